import Foundation
import TestSupport
import Testing

@testable import MergeServer

/// `s3://` locations, the AWS_* configuration and the URL forms, without a server.
@Suite struct S3LocationTests {
    @Test(arguments: [
        ("s3://media", "media", ""),
        ("s3://media/", "media", ""),
        ("s3://my-media.example/merge/server/", "my-media.example", "merge/server"),
        ("s3://abc/one", "abc", "one"),
    ])
    func goodLocationsParse(text: String, bucket: String, prefix: String) throws {
        let location = try S3Location(parsing: text)
        #expect(location.bucket == bucket && location.prefix == prefix)
        #expect(location.objectKey("videos/a.mp4") == (prefix.isEmpty ? "videos/a.mp4" : prefix + "/videos/a.mp4"))
    }

    @Test(arguments: [
        "media", "https://media/x", "s3://", "s3:///prefix", "s3://ab", "s3://Media", "s3://-media", "s3://media-",
        "s3://me..dia", "s3://me_dia", "s3://media/a//b", "s3://media/a/../b", "s3://media/./b", "s3://media/a?x=1",
        "s3://media/a#f", "s3://media/a b", "s3://media/a\\b", "s3://media/a\u{1}b", "s3://" + String(repeating: "a", count: 64),
    ])
    func badLocationsAreRefusedWithTheForm(text: String) {
        #expect {
            try S3Location(parsing: text)
        } throws: { error in
            let message = "\(error)"
            return error is ConfigurationError && (message.contains("s3://BUCKET") || message.contains("bucket name"))
        }
    }

    @Test func theEnvironmentGivesCredentialsRegionAndEndpoint() throws {
        let location = try S3Location(parsing: "s3://media/p")
        let configuration = try S3Configuration.fromEnvironment(
            [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "TOKEN",
                "AWS_DEFAULT_REGION": "eu-west-3", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000/",
                "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9001",
            ], location: location)
        #expect(configuration.credentials.accessKeyID == "AKID" && configuration.credentials.sessionToken == "TOKEN")
        #expect(configuration.region == "eu-west-3")
        #expect(configuration.endpoint == "http://127.0.0.1:9001", "the S3-specific endpoint wins")
        #expect(configuration.objectURL("p/a b.mp4") == "http://127.0.0.1:9001/media/p/a%20b.mp4", "path style")

        let flags = try S3Configuration.fromEnvironment(
            ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_REGION": "us-west-2"], location: location,
            region: "ap-south-1")
        #expect(flags.region == "ap-south-1" && flags.endpoint == nil)
        #expect(flags.objectURL("p/x.mp4") == "https://media.s3.ap-south-1.amazonaws.com/p/x.mp4", "virtual-host style for AWS")

        let defaults = try S3Configuration.fromEnvironment(["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"], location: location)
        #expect(defaults.region == "us-east-1")
    }

    @Test func missingCredentialsOrABadEndpointOrRegionSayWhatToSet() throws {
        let location = try S3Location(parsing: "s3://media")
        #expect {
            try S3Configuration.fromEnvironment(["AWS_ACCESS_KEY_ID": "A"], location: location)
        } throws: { "\($0)".contains("AWS_SECRET_ACCESS_KEY") }
        for endpoint in ["ftp://host", "http://", "http://host/path", "not a url", "http://u:p@host"] {
            #expect(throws: ConfigurationError.self, "\(endpoint)") {
                try S3Configuration.fromEnvironment(
                    ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_ENDPOINT_URL": endpoint], location: location)
            }
        }
        #expect(throws: ConfigurationError.self) {
            try S3Configuration.fromEnvironment(["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"], location: location, region: "US EAST")
        }
    }

    /// The query-string signature follows AWS's documented example ("Authenticating
    /// Requests: Using Query Parameters"): the same credentials, date, host and key give
    /// the signature AWS publishes.
    @Test func thePresignedSignatureMatchesAWSsExample() throws {
        let configuration = try S3Configuration(
            location: S3Location(parsing: "s3://examplebucket"),
            credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let date = try #require(calendar.date(from: DateComponents(year: 2013, month: 5, day: 24)))
        let url = S3Presigner(configuration: configuration).sign(
            scheme: "https", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", expiresIn: 86400, now: date)
        #expect(url.hasSuffix("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"), "\(url)")
    }

    @Test func theStorageSettingPicksTheDataDirectoryOrABucket() throws {
        let directory = try TemporaryDirectory()
        for setting in [nil, "", "local"] {
            let local = try MediaStorageSetting.make(setting, dataDirectory: directory.path, environment: [:])
            #expect((local as? LocalMediaStorage)?.root == directory.path)
        }
        let environment = ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000"]
        let storage = try MediaStorageSetting.make(
            "s3://media/merge", dataDirectory: directory.path, environment: environment, cacheBytes: 1 << 20, redirects: true)
        let s3 = try #require(storage as? S3MediaStorage)
        #expect(s3.client.configuration.location == (try S3Location(parsing: "s3://media/merge")))
        #expect(s3.client.configuration.endpoint == "http://127.0.0.1:9000" && s3.redirects)
        #expect(s3.cache.directory == directory.path + "/cache/s3" && s3.cache.capacity == 1 << 20)

        #expect { try MediaStorageSetting.make("gs://media", dataDirectory: directory.path, environment: environment) } throws: {
            "\($0)".contains("use local (the default) or s3://BUCKET/PREFIX")
        }
        #expect { try MediaStorageSetting.make("s3://media", dataDirectory: directory.path, environment: [:]) } throws: {
            "\($0)".contains("AWS_ACCESS_KEY_ID")
        }
        #expect(throws: ConfigurationError.self) {
            try MediaStorageSetting.make("s3://media", dataDirectory: directory.path, environment: environment, cacheBytes: -1)
        }
    }

    @Test func storageKeysCannotLeaveTheirDirectory() {
        for key in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a\\b", "a\u{0}b", String(repeating: "k", count: 513)] {
            #expect(throws: MediaStorageError.self, "\(key.debugDescription)") { try MediaStorageKey.validate(key) }
        }
        #expect(throws: Never.self) { try MediaStorageKey.validate("videos/vid_1.mp4") }
    }
}
