import Foundation
import Media

/// Runs one kind of job. A handler declares the request it takes; the engine decodes
/// the job's stored request into it and passes a progress callback. The handler returns
/// the result JSON and, when it made one, the output video. Cancellation arrives as task
/// cancellation and must stop the work within a second, leaving no output.
public protocol JobHandler: Sendable {
    associatedtype Request: Decodable & Sendable
    static var kind: JobKind { get }
    func run(_ request: Request, job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput
}

extension JobHandler {
    var kind: JobKind { Self.kind }

    /// Decodes the job's stored request (checked when it was accepted) and runs it.
    func run(_ job: JobRecord, progress: @escaping ProgressHandler) async throws -> JobOutput {
        let request: Request
        do {
            request = try JSONDecoder().decode(Request.self, from: Data(job.request.utf8))
        } catch {
            throw JobFailure(
                type: "validation_error", message: "the stored request no longer decodes: \(error)",
                suggestion: "submit the request again")
        }
        return try await run(request, job: job, progress: progress)
    }
}

public struct JobOutput: Sendable {
    public var result: String
    public var video: VideoRecord?

    public init(result: String, video: VideoRecord? = nil) {
        self.result = result
        self.video = video
    }
}
