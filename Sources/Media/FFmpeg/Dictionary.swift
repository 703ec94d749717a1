import CFFmpeg

/// An owned `AVDictionary` of options, freed exactly once.
struct OptionDictionary: ~Copyable {
    var pointer: OpaquePointer?

    init(_ entries: [String: String]) {
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&pointer, key, value, 0)
        }
    }

    /// The keys still in the dictionary. After an open call these are the options FFmpeg
    /// did not recognise, which would otherwise be ignored without a word.
    var keys: [String] {
        var keys: [String] = []
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(pointer, "", entry, AV_DICT_IGNORE_SUFFIX) {
            keys.append(String(cString: next.pointee.key))
            entry = next
        }
        return keys
    }

    deinit {
        var freeing = pointer
        av_dict_free(&freeing)
    }
}
