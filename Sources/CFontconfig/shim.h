// fontconfig, for Media to ask which installed font covers a text's characters
// (drawtext itself only loads one font file, with no per-glyph fallback).
#ifndef MERGESERVER_CFONTCONFIG_SHIM_H
#define MERGESERVER_CFONTCONFIG_SHIM_H

#include <fontconfig/fontconfig.h>

#endif
