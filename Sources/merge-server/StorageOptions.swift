import ArgumentParser
import Foundation
import MergeServer

/// Where `serve` and `worker` keep media: the flags over `MERGE_SERVER_STORAGE*` and the
/// usual AWS_* variables (a flag wins over its variable).
struct StorageOptions: ParsableArguments {
    @Option(help: "Media storage: local (the data directory, default) or s3://BUCKET/PREFIX.") var storage: String?
    @Option(
        name: .customLong("storage-serve"),
        help: "Media in S3 reaches clients by redirect (302 to a presigned GET, default) or stream (through the API).")
    var storageServe: String?
    @Option(name: .customLong("s3-endpoint"), help: "S3-compatible endpoint, http(s)://HOST[:PORT] (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL).")
    var endpoint: String?
    @Option(name: .customLong("s3-region"), help: "S3 region (AWS_REGION, AWS_DEFAULT_REGION; us-east-1).") var region: String?
    @Option(name: .customLong("s3-access-key-id"), help: "S3 access key id (AWS_ACCESS_KEY_ID).") var accessKeyID: String?
    @Option(name: .customLong("s3-secret-access-key"), help: "S3 secret access key (AWS_SECRET_ACCESS_KEY).") var secretAccessKey: String?

    func apply(to configuration: inout ServerConfiguration) throws {
        if let storage { configuration.storage = storage }
        if let storageServe {
            do {
                configuration.storageServe = try ServerConfiguration.serveMode(storageServe)
            } catch {
                throw CommandFailure(message: "--storage-serve: \(error.description)", exitCode: 64)
            }
        }
        var environment = ProcessInfo.processInfo.environment
        let flags = [
            "AWS_ENDPOINT_URL_S3": endpoint, "AWS_REGION": region, "AWS_ACCESS_KEY_ID": accessKeyID,
            "AWS_SECRET_ACCESS_KEY": secretAccessKey,
        ]
        for case (let name, let value?) in flags { environment[name] = value }
        configuration.storageEnvironment = environment
    }
}
