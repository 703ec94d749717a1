/// The fields of a Replicate prediction we use.
struct ReplicatePrediction: Sendable {
    enum Status: String, Sendable {
        case starting, processing, succeeded, failed, canceled, aborted
    }

    var id: String
    var status: Status
    /// The first output URI: the models we use return one string; older ones a list.
    var outputURL: String?
    var error: String?
    var predictTime: Double?

    /// Reads a prediction; nil when the id or status is missing or unknown.
    init?(_ json: JSONValue) {
        guard let id = json["id"]?.string, !id.isEmpty,
            let status = json["status"]?.string.flatMap(Status.init(rawValue:))
        else { return nil }
        self.id = id
        self.status = status
        switch json["output"] {
        case .string(let url): outputURL = url
        case .array(let items): outputURL = items.lazy.compactMap(\.string).first
        default: outputURL = nil
        }
        switch json["error"] {
        case .string(let text): error = text
        case .none, .null: error = nil
        case let other?: error = (try? other.encoded()).map { String(decoding: $0, as: UTF8.self) }
        }
        predictTime = json["metrics"]?["predict_time"]?.number
    }
}
