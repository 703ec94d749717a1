import Generation
import Media

/// A provider's progress as the job's.
enum ProgressForwarding {
    /// Maps a provider's fraction into the job's band `start…end`.
    static func into(_ progress: @escaping ProgressHandler, from start: Double = 0, to end: Double = 1) -> GenerationProgress {
        { stage, fraction in progress(MediaProgress(fraction: start + (end - start) * min(max(fraction ?? 0, 0), 1), stage: stage)) }
    }
}
