import Foundation
import Generation
import Media

/// Renders a prepared timeline into the attempt's own output file
/// (`videos/vid_<job>.a<attempt>-<tag>.<ext>`, see `VideoOutputName`), puts it in the
/// media storage and describes it: what `merge_videos` returns and `music_video` ends with.
/// A timeline long enough to chunk renders as child jobs (`chunks`); others in one pass.
struct JobVideoRenderer: Sendable {
    let videosDirectory: String
    let executors: MediaExecutors
    /// Where sources are read from and the finished video goes (the data directory by default).
    var media: MediaLibrary? = nil
    /// Chunked renders as child jobs; nil renders every timeline in one pass.
    var chunks: ChunkedJobRenders? = nil

    func render(
        _ request: PreparedTimeline, job: JobRecord,
        progress: @escaping ProgressHandler
    ) async throws -> (MergeResult, VideoRecord) {
        let timeline = request.timeline
        let videoID = Identifier.video(forJob: job.id)
        let container = timeline.output.container ?? .mp4
        let media = media ?? .local((videosDirectory as NSString).deletingLastPathComponent)
        let name = VideoOutputName.fileName(job: job, extension: container.rawValue)
        let path = (videosDirectory as NSString).appendingPathComponent(name)
        VideoOutputName.removeEarlierAttempts(job: job.id, keeping: name, in: videosDirectory)
        let started = ContinuousClock.now
        let (render, chunkReports) = try await request.withLocalSources(media) { local, keys in
            try await renderVideo(local, sourceKeys: keys, job: job, to: path, progress: progress)
        }
        // The renderer flushed the file before renaming it into place, and its directory after.
        var probe: MediaInfo
        do {
            probe = try await MediaProbe.probe(path, on: executors.probes)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        probe.path = "\(videoID).\(container.rawValue)"
        // Made from the local file before it is stored (a bucket's upload moves it into the cache).
        var extraFiles: [ExtraFile] = []
        if let extras = render.extras {
            do {
                // The index names the sheet as its route does: files/sprite.jpg beside files/sprite.vtt.
                extraFiles = try await ExtraOutputWriter.write(
                    extras, from: path, stem: (path as NSString).deletingPathExtension, spriteLink: "sprite.jpg", on: executors.renders)
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
        }
        // Stored before the job's end is written; a refused end removes it again (`JobOutput.discard`).
        var outputs: [String: OutputFileLink]?
        do {
            try await media.publish(file: path, key: MediaLibrary.videoKey(path: path))
            outputs = try await publish(extraFiles, besideVideo: path, videoID: videoID, media: media)
        } catch {
            await MediaLibrary.removeVideo(path: path, from: media)
            throw error
        }
        let processing = (ContinuousClock.now - started).seconds

        let summary = VideoSummary(
            duration: render.duration, width: render.width, height: render.height, fps: render.fps,
            frames: render.frames, sizeBytes: render.sizeBytes,
            measuredLoudness: render.measuredLoudness.map { ($0 * 100).rounded() / 100 },
            loudnessGain: render.loudnessGain.map { ($0 * 100).rounded() / 100 }, videoCopied: render.videoCopied,
            processingSeconds: (processing * 1000).rounded() / 1000)
        let info = VideoInfo(
            videoID: videoID, jobID: job.id, summary: summary, probe: probe,
            timeline: try JSONValue(encoding: timeline), cuts: render.cuts, beats: render.beats,
            createdAt: Timestamp.iso8601(Date().timeIntervalSince1970))
        let result = MergeResult(
            videoID: videoID, videoURL: "/api/mv/get_video/\(videoID)", info: summary,
            cuts: render.cuts, beats: render.beats, chunks: chunkReports, outputs: outputs)
        let video = VideoRecord(
            id: videoID, jobId: job.id, path: path, sizeBytes: render.sizeBytes,
            info: JobEngine.json(info), createdAt: Date().timeIntervalSince1970)
        return (result, video)
    }

    /// Stores the extra files like the video and links each under its kind; nil when there are none.
    private func publish(
        _ files: [ExtraFile], besideVideo path: String, videoID: String, media: MediaLibrary
    ) async throws -> [String: OutputFileLink]? {
        guard !files.isEmpty else { return nil }
        let stem = (path as NSString).deletingPathExtension
        var links: [String: OutputFileLink] = [:]
        for file in files {
            try await media.publish(file: file.path, key: MediaLibrary.videoKey(path: file.path))
            let name = String(file.path.dropFirst(stem.count + 1))
            links[file.kind.rawValue] = OutputFileLink(
                url: "/api/mv/get_video/\(videoID)/files/\(name)", contentType: ExtraFile.contentType(ofName: name), width: file.width,
                height: file.height, duration: file.duration, sizeBytes: file.sizeBytes)
        }
        return links
    }

    /// The render itself: planned first, so a long timeline can go to child jobs.
    private func renderVideo(
        _ request: PreparedTimeline, sourceKeys: [String: String], job: JobRecord, to path: String, progress: @escaping ProgressHandler
    ) async throws -> (RenderResult, [ChunkedJobRenders.Report]?) {
        let timeline = request.timeline
        guard let chunks else {
            let render = try await TimelineRenderer.render(
                timeline, to: path, on: executors.renders, resolve: request.resolve,
                probe: request.probe, progress: progress)
            return (render, nil)
        }
        let plan = try await executors.renders.run("plan") { _ throws(MediaError) in
            progress(MediaProgress(fraction: 0, stage: timeline.beatSync.map { $0.mode != .off } == true ? "analyzing" : "planning"))
            return try TimelinePlanner.plan(timeline, outputPath: path, resolve: request.resolve, probe: request.probe)
        }
        if let chunkPlan = try await chunks.plan(plan, for: job, sourceKeys: sourceKeys) {
            let (render, reports) = try await chunks.render(chunkPlan, job: job, to: path, progress: progress)
            return (render, reports)
        }
        let render = try await executors.renders.run("render") { flag throws(MediaError) in
            try TimelineRenderer.render(plan, to: path, progress: progress, cancellation: flag)
        }
        return (render, nil)
    }
}
