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

    /// Throws when FFmpeg left options unconsumed after opening `what` ("the libx264 encoder").
    func requireAllUsed(by what: String, path: String? = nil) throws(MediaError) {
        let unknown = keys
        guard !unknown.isEmpty else { return }
        throw MediaError(
            .unsupported,
            "\(what) of this FFmpeg does not know the option(s) " + unknown.joined(separator: ", ")
                + "; install Debian's FFmpeg libraries (scripts/install-deps.sh)", path: path)
    }

    deinit {
        var freeing = pointer
        av_dict_free(&freeing)
    }
}
