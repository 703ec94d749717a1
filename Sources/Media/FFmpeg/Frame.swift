import CFFmpeg

/// An owned `AVFrame`: allocated on init, freed exactly once on deinit.
struct Frame: ~Copyable {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(MediaError) {
        pointer = try ffalloc(av_frame_alloc(), "a frame")
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    /// Drops the frame's buffers so it can be filled again.
    func unref() { av_frame_unref(pointer) }

    /// Plane `index` of planar float audio (fltp), or nil when the frame has no such plane.
    func floatPlane(_ index: Int) -> UnsafeMutablePointer<Float>? {
        guard let planes = pointer.pointee.extended_data, let plane = planes[index] else { return nil }
        return UnsafeMutableRawPointer(plane).assumingMemoryBound(to: Float.self)
    }

    var sampleCount: Int { Int(pointer.pointee.nb_samples) }

    var pts: Int64 {
        get { pointer.pointee.pts }
        nonmutating set { pointer.pointee.pts = newValue }
    }
}
