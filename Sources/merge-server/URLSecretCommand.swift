import ArgumentParser
import Foundation
import MergeServer

/// `merge-server url-secret rotate`: a new secret for signed media links in the data
/// directory, the old one kept as the previous so links it signed open until they expire.
struct URLSecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "url-secret",
        abstract: "Manage the secret signed media URLs are made with.",
        subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new URL signing secret; the current one becomes the previous (the one before it is dropped).",
            discussion: """
                Links signed with the old secret keep working until they expire; those signed with the secret \
                before it stop. The server reads the secrets when it starts: restart it to sign with the new one.
                """)

        @Option(name: .customLong("data-dir"), help: "Data directory (the server's).") var dataDirectory: String?

        func run() async throws {
            var configuration = ServerConfiguration()
            do {
                try configuration.apply(environment: ProcessInfo.processInfo.environment)
            } catch {
                throw CommandFailure(message: error.description, exitCode: 64)
            }
            if let dataDirectory { configuration.dataDirectory = dataDirectory }
            guard configuration.urlSigningSecret == nil else {
                throw CommandFailure(
                    message: "the secret comes from MERGE_SERVER_URL_SIGNING_SECRET, not the data directory; rotate it there "
                        + "(its old value into MERGE_SERVER_URL_SIGNING_SECRET_PREVIOUS), or unset it", exitCode: 64)
            }
            do {
                try URLSigningSecrets.rotate(dataDirectory: configuration.dataDirectory)
            } catch {
                throw CommandFailure(message: error.description)
            }
            print("rotated the URL signing secret in \(configuration.dataDirectory); restart the server to sign with the new one")
        }
    }
}
