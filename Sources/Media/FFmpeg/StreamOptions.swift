import CFFmpeg

/// One owned `AVDictionary` per stream, the array `avformat_find_stream_info` hands to
/// the decoders it opens while probing; every dictionary and the array are freed once.
final class StreamOptions {
    let pointer: UnsafeMutablePointer<OpaquePointer?>
    private let count: Int

    init(streams count: Int, _ entries: [String: String]) throws(MediaError) {
        self.count = max(0, count)
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: nil, count: max(1, count))
        // From here on a throw runs deinit, which frees what was set.
        for index in 0..<self.count {
            for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
                try ffcheck(av_dict_set(&pointer[index], key, value, 0), "setting the decoder option \(key)")
            }
        }
    }

    deinit {
        for index in 0..<count { av_dict_free(&pointer[index]) }
        pointer.deinitialize(count: max(1, count))
        pointer.deallocate()
    }
}
