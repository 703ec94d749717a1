import Crypto
import Foundation

/// The file an attempt of a job writes its video to: `vid_<job>.a<attempt>-<tag>.<ext>`
/// (the video id stays `vid_<job>`; the row names the file). One name per attempt, so a
/// stale attempt — stalled past its lease, then resumed — never renames its render over
/// the file of the attempt that owns the job now; its refused end removes its own file.
/// The tag (from the attempt's token) keeps two claims with the same attempt number
/// apart: a retried job counts from 1 again.
enum VideoOutputName {
    static func fileName(job: JobRecord, extension ext: String) -> String {
        let videoID = Identifier.video(forJob: job.id)
        let tag = SHA256.hash(data: Data((job.attemptToken ?? "").utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return "\(videoID).a\(job.attempts)-\(tag).\(ext)"
    }

    /// Removes, from `directory`, the files earlier attempts of the job left (a process
    /// that died between renaming its render into place and committing it). No row can
    /// name them: the job is running again, and a job's video row is written when it
    /// succeeds. Files being written (hidden `.partial` names) are not touched.
    static func removeEarlierAttempts(job: String, keeping name: String, in directory: String) {
        let prefix = Identifier.video(forJob: job) + "."
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where file.hasPrefix(prefix) && file != name && !file.hasSuffix(".partial") {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(file))
        }
    }
}
