import Foundation
import Generation

/// The web studio's files, compiled into the binary (nothing to find at run time, so a
/// `swift build` binary serves them from any directory). A name not in this table is
/// not a file: there is no path to traverse.
enum StudioFiles {
    struct File: Sendable {
        let bytes: [UInt8]
        let contentType: String
        /// Strong, from the bytes: an upgraded binary's changed file has a new one, and
        /// `Cache-Control: no-cache` makes the browser ask each time.
        let etag: String

        init(_ bytes: [UInt8], _ contentType: String) {
            self.bytes = bytes
            self.contentType = contentType
            etag = "\"" + String(SHA256Hex.of(bytes).prefix(32)) + "\""
        }
    }

    static let javascript = "text/javascript; charset=utf-8"

    static let files: [String: File] = [
        "index.html": File(PackageResources.index_html, "text/html; charset=utf-8"),
        "studio.css": File(PackageResources.studio_css, "text/css; charset=utf-8"),
        "main.js": File(PackageResources.main_js, javascript),
        "api.js": File(PackageResources.api_js, javascript),
        "dom.js": File(PackageResources.dom_js, javascript),
        "signin.js": File(PackageResources.signin_js, javascript),
        "upload.js": File(PackageResources.upload_js, javascript),
        "timeline.js": File(PackageResources.timeline_js, javascript),
        "editor.js": File(PackageResources.editor_js, javascript),
        "waveform.js": File(PackageResources.waveform_js, javascript),
        "jobs.js": File(PackageResources.jobs_js, javascript),
        "player.js": File(PackageResources.player_js, javascript),
        "generate.js": File(PackageResources.generate_js, javascript),
        "favicon.svg": File(PackageResources.favicon_svg, "image/svg+xml"),
    ]
}
