import Foundation
import Media

/// The extra files made with a merged video (`outputs`): stored beside it as
/// `<video stem>.<name>` (`vid_….a1-….poster.jpg`), served at
/// `/api/mv/get_video/{id}/files/{name}`, removed with it.
enum VideoExtraFiles {
    static func path(_ name: String, besideVideo videoPath: String) -> String {
        (videoPath as NSString).deletingPathExtension + "." + name
    }
}

/// One extra file in a merge result: its link (signed like `video_url`) and its measure.
struct OutputFileLink: Codable {
    let url: String
    let contentType: String
    let width: Int?
    let height: Int?
    let duration: Double?
    let sizeBytes: Int64

    enum CodingKeys: String, CodingKey {
        case url
        case contentType = "content_type"
        case width, height, duration
        case sizeBytes = "size_bytes"
    }
}
