import Foundation

extension JobEngine {
    /// Removes the video of an attempt whose end was refused (its lease was lost, another
    /// attempt owns the job): the file is this attempt's own (`VideoOutputName`), so no
    /// other attempt's output is touched, and no file outlives the refused result.
    func discard(_ output: JobOutput) async {
        guard let video = output.video else { return }
        await MediaLibrary.removeVideo(path: video.path, from: media)
    }
}
