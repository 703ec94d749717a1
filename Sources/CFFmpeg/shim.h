// What Swift cannot import from FFmpeg's headers: function-like macros and
// constants built from them. Every wrapper is prefixed `mf_`.
#ifndef MERGESERVER_CFFMPEG_SHIM_H
#define MERGESERVER_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/parseutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/tx.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

static inline int mf_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int mf_averror_eof(void) { return AVERROR_EOF; }
static inline int mf_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int mf_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int mf_averror_encoder_not_found(void) { return AVERROR_ENCODER_NOT_FOUND; }
static inline int mf_averror_exit(void) { return AVERROR_EXIT; }
static inline int64_t mf_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int mf_time_base(void) { return AV_TIME_BASE; }
static inline AVRational mf_time_base_q(void) { return AV_TIME_BASE_Q; }

/// FFmpeg's own text for an error code, written into `buffer`.
static inline const char *mf_error_string(int errnum, char *buffer, size_t size) {
    if (av_strerror(errnum, buffer, size) < 0) {
        snprintf(buffer, size, "unknown FFmpeg error %d", errnum);
    }
    return buffer;
}

#endif
