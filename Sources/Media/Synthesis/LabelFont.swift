import CFontconfig

/// The font file a mock label is drawn with. drawtext loads one font file and has no
/// per-glyph fallback, so one file is chosen for the whole text: fontconfig's best match
/// for bold DejaVu Sans that has glyphs for the text's characters — DejaVu itself for
/// Latin, Greek, Cyrillic and Arabic, Noto Sans CJK for Chinese, Japanese and Korean,
/// the Noto family of the script for Devanagari, Thai, ..., Symbola for emoji. Colour
/// bitmap fonts (Noto Color Emoji) are refused: FFmpeg 5.1's drawtext cannot size them.
/// A text mixing scripts that no single font covers gets the font covering the most;
/// the rest draws as boxes.
struct LabelFont: Equatable {
    let path: String
    /// The text's characters this font has no glyph for; empty when it covers them all.
    let missing: [Unicode.Scalar]

    /// Used when fontconfig finds nothing (no fonts configured at all).
    static let fallbackPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    static let preferredFamily = "DejaVu Sans"

    /// fontconfig's one-time load of its configuration and font cache.
    private static let fontconfigReady = FcInit() == FcTrue

    /// The best font for `text`, or nil when fontconfig has no font to offer.
    static func covering(_ text: String) -> LabelFont? {
        guard fontconfigReady, let pattern = FcPatternCreate() else { return nil }
        defer { FcPatternDestroy(pattern) }
        let needed = characters(of: text)
        guard let wanted = FcCharSetCreate() else { return nil }
        for scalar in needed { FcCharSetAddChar(wanted, scalar.value) }
        _ = preferredFamily.withCString { family in
            family.withMemoryRebound(to: FcChar8.self, capacity: preferredFamily.utf8.count + 1) {
                FcPatternAddString(pattern, FC_FAMILY, $0)
            }
        }
        FcPatternAddInteger(pattern, FC_WEIGHT, FC_WEIGHT_BOLD)
        FcPatternAddBool(pattern, FC_COLOR, FcFalse)
        FcPatternAddBool(pattern, FC_SCALABLE, FcTrue)
        FcPatternAddCharSet(pattern, FC_CHARSET, wanted)  // the pattern takes its own reference
        FcCharSetDestroy(wanted)
        guard FcConfigSubstitute(nil, pattern, FcMatchPattern) == FcTrue else { return nil }
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let best = FcFontMatch(nil, pattern, &result) else { return nil }
        defer { FcPatternDestroy(best) }
        var file: UnsafeMutablePointer<FcChar8>?
        guard FcPatternGetString(best, FC_FILE, 0, &file) == FcResultMatch, let file else { return nil }
        let path = String(cString: file)
        var coverage: OpaquePointer?
        let hasCoverage = FcPatternGetCharSet(best, FC_CHARSET, 0, &coverage) == FcResultMatch
        let missing = needed.filter { scalar in !hasCoverage || FcCharSetHasChar(coverage, scalar.value) != FcTrue }
        return LabelFont(path: path, missing: missing)
    }

    /// The characters that need a glyph: not spaces, nor invisible format characters and
    /// variation selectors, which fonts often lack and drawtext draws as nothing anyway.
    static func characters(of text: String) -> [Unicode.Scalar] {
        var seen: Set<Unicode.Scalar> = []
        return text.unicodeScalars.filter { scalar in
            let properties = scalar.properties
            guard !properties.isWhitespace, properties.generalCategory != .format, properties.generalCategory != .control,
                !properties.isVariationSelector
            else { return false }
            return seen.insert(scalar).inserted
        }
    }
}
