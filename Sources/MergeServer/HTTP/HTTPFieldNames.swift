import HTTPTypes

extension HTTPField.Name {
    public static let requestID = HTTPField.Name("X-Request-Id")!
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    public static let lastEventID = HTTPField.Name("Last-Event-ID")!
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    public static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
