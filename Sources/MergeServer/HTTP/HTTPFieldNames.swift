import HTTPTypes

extension HTTPField.Name {
    public static let requestID = HTTPField.Name("X-Request-Id")!
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    public static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
