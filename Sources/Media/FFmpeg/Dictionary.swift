import CFFmpeg

/// An owned `AVDictionary` of options, freed exactly once.
struct OptionDictionary: ~Copyable {
    var pointer: OpaquePointer?

    init(_ entries: [String: String]) {
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&pointer, key, value, 0)
        }
    }

    deinit {
        var freeing = pointer
        av_dict_free(&freeing)
    }
}
