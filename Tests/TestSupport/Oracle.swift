import Foundation

/// ffprobe's view of a file: the independent oracle the tests compare against.
public struct FFprobeReport: Decodable, Sendable {
    public struct Format: Decodable, Sendable {
        public let format_name: String
        public let duration: String?
        public let size: String
        public let bit_rate: String?
    }

    public struct SideData: Decodable, Sendable {
        public let side_data_type: String
        public let rotation: Int?
    }

    public struct Stream: Decodable, Sendable {
        public let codec_type: String
        public let codec_name: String?
        public let profile: String?
        public let width: Int?
        public let height: Int?
        public let sample_aspect_ratio: String?
        public let pix_fmt: String?
        public let r_frame_rate: String?
        public let avg_frame_rate: String?
        public let nb_frames: String?
        public let duration: String?
        public let sample_rate: String?
        public let channels: Int?
        public let channel_layout: String?
        public let side_data_list: [SideData]?
        public let nb_read_frames: String?
        public let disposition: [String: Int]?
    }

    public let format: Format
    public let streams: [Stream]

    public var video: Stream? {
        streams.first { $0.codec_type == "video" && $0.disposition?["attached_pic"] != 1 }
    }

    public var audio: Stream? { streams.first { $0.codec_type == "audio" } }
}

public enum Oracle {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Per-frame PSNR (dB, average of the planes) of `a` against `b`, by ffmpeg's psnr filter.
    public static func framePSNR(_ a: String, _ b: String, scratch: String) throws -> [Double] {
        let run = try ProcessRunner.run(
            "ffmpeg", ["-v", "error", "-nostdin", "-i", a, "-i", b, "-lavfi", "[0:v][1:v]psnr=stats_file=\(scratch)", "-f", "null", "-"])
        guard run.status == 0 else { throw Failure(description: "ffmpeg psnr failed: \(run.stderr)") }
        return try String(contentsOfFile: scratch, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("psnr_avg:") }) else { return nil }
            let value = field.dropFirst("psnr_avg:".count)
            return value == "inf" ? .infinity : Double(value)
        }
    }

    /// The first audio stream decoded to 48 kHz stereo 16-bit PCM.
    public static func decodedAudio(_ path: String) throws -> Data {
        let run = try ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-map", "0:a:0", "-f", "s16le", "-"])
        guard run.status == 0 else { throw Failure(description: "ffmpeg audio decode failed: \(run.stderr)") }
        return run.stdoutData
    }

    /// `sha256sum`: a file's SHA-256 in hex.
    public static func sha256(_ path: String) throws -> String {
        let result = try ProcessRunner.run("sha256sum", [path])
        guard result.status == 0, let hash = result.stdout.split(separator: " ").first else {
            throw Failure(description: "sha256sum failed on \(path): \(result.stderr)")
        }
        return String(hash)
    }

    /// `ffprobe -show_format -show_streams`, optionally counting decoded frames.
    public static func probe(_ path: String, countFrames: Bool = false) throws -> FFprobeReport {
        var arguments = ["-v", "error", "-show_format", "-show_streams", "-of", "json"]
        if countFrames { arguments.append("-count_frames") }
        let result = try ProcessRunner.run("ffprobe", arguments + [path])
        guard result.status == 0 else { throw Failure(description: "ffprobe failed on \(path): \(result.stderr)") }
        return try JSONDecoder().decode(FFprobeReport.self, from: result.stdoutData)
    }

    /// One MD5 per decoded video frame (`ffmpeg -f framemd5`), independent of the container.
    public static func videoFrameHashes(_ path: String) throws -> [String] {
        let result = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "error", "-nostdin", "-i", path, "-map", "0:v:0",
                "-f", "framemd5", "-",
            ])
        guard result.status == 0 else { throw Failure(description: "ffmpeg framemd5 failed on \(path): \(result.stderr)") }
        return result.stdout.split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .compactMap { $0.split(separator: ",").last?.trimmingCharacters(in: .whitespaces) }
    }

    /// One decoded frame at `seconds`, scaled to `width`x`height`, as RGB bytes.
    public static func frameRGB(_ path: String, at seconds: Double, width: Int = 32, height: Int = 18) throws -> [UInt8] {
        let result = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "error", "-nostdin", "-ss", String(seconds), "-i", path,
                "-frames:v", "1", "-vf", "scale=\(width):\(height)",
                "-pix_fmt", "rgb24", "-f", "rawvideo", "-",
            ])
        guard result.status == 0 else { throw Failure(description: "ffmpeg frame grab failed on \(path): \(result.stderr)") }
        return Array(result.stdoutData)
    }

    /// Mean and peak volume in dBFS (`volumedetect`); -inf for digital silence.
    public static func volume(_ path: String) throws -> (mean: Double, max: Double) {
        let result = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "info", "-nostdin", "-i", path, "-map", "0:a:0",
                "-af", "volumedetect", "-f", "null", "-",
            ])
        guard result.status == 0 else { throw Failure(description: "ffmpeg volumedetect failed on \(path): \(result.stderr)") }
        func value(_ key: String) -> Double {
            guard let line = result.stderr.split(separator: "\n").first(where: { $0.contains(key) }),
                let number = line.split(separator: " ").dropLast().last
            else { return .nan }
            return number == "-inf" ? -.infinity : Double(number) ?? .nan
        }
        return (value("mean_volume:"), value("max_volume:"))
    }

    /// Mean absolute difference of two equally sized byte images, 0…255.
    public static func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        let total = zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(a.count)
    }

    /// "30000/1001" → 29.97…
    public static func rate(_ fraction: String?) -> Double? {
        guard let parts = fraction?.split(separator: "/"), parts.count == 2,
            let numerator = Double(parts[0]), let denominator = Double(parts[1]), denominator != 0
        else { return nil }
        return numerator / denominator
    }
}

extension Oracle {
    /// Integrated loudness (LUFS) and true peak (dBTP) by libavfilter's ebur128, via the ffmpeg CLI.
    public static func loudness(_ path: String) throws -> (integrated: Double, truePeak: Double) {
        let result = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "info", "-nostdin", "-i", path, "-map", "0:a:0",
                "-af", "ebur128=peak=true", "-f", "null", "-",
            ])
        guard result.status == 0, let summary = result.stderr.range(of: "Summary:") else {
            throw Failure(description: "ffmpeg ebur128 failed on \(path): \(result.stderr.suffix(500))")
        }
        let lines = result.stderr[summary.upperBound...].split(separator: "\n")
        func value(_ key: String) -> Double {
            guard let line = lines.first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key) }),
                let number = line.split(separator: " ").dropFirst().first
            else { return .nan }
            return number == "-inf" ? -.infinity : Double(number) ?? .nan
        }
        return (value("I:"), value("Peak:"))
    }

    /// Start times (s) of silences of at least `minimum` seconds below -50 dBFS.
    public static func silenceStarts(_ path: String, minimum: Double = 0.2) throws -> [Double] {
        let result = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "info", "-nostdin", "-i", path, "-map", "0:a:0",
                "-af", "silencedetect=noise=-50dB:d=\(minimum)", "-f", "null", "-",
            ])
        guard result.status == 0 else { throw Failure(description: "ffmpeg silencedetect failed on \(path)") }
        return result.stderr.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "silence_start: ") else { return nil }
            return Double(line[range.upperBound...].split(separator: " ").first ?? "")
        }
    }

    /// Stream durations (s) of the first video and audio streams.
    public static func streamDurations(_ path: String) throws -> (video: Double, audio: Double?) {
        let report = try probe(path)
        let video = Double(report.video?.duration ?? "") ?? .nan
        return (video, report.audio.flatMap { Double($0.duration ?? "") })
    }
}

extension Oracle {
    /// Times (s) of the decoded frames that start a new shot (ffmpeg's scene score above `threshold`).
    public static func sceneCuts(_ path: String, threshold: Double = 0.3) throws -> [Double] {
        let result = try ProcessRunner.run(
            "ffmpeg",
            [
                "-v", "info", "-nostdin", "-i", path, "-map", "0:v:0", "-vf",
                "select='gt(scene,\(threshold))',showinfo", "-f", "null", "-",
            ])
        guard result.status == 0 else { throw Failure(description: "ffmpeg scene detection failed on \(path)") }
        return result.stderr.split(separator: "\n").compactMap { line in
            guard line.contains("Parsed_showinfo"), let range = line.range(of: "pts_time:") else { return nil }
            return Double(line[range.upperBound...].split(separator: " ").first ?? "")
        }
    }
}
