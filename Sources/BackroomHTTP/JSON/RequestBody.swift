import BackroomCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads a JSON request body: the content type must be JSON (415), the
/// size within the limit (413), the JSON well-formed and of the expected
/// shape (400, naming the field).
public struct RequestBodyReader: Sendable {
    public let limit: Int

    public init(limit: Int = ServerLimits.defaultBodyLimit) {
        self.limit = limit
    }

    public func decode<Value: Decodable>(_ type: Value.Type, from request: Request) async throws -> Value {
        try await decodeKeepingBytes(type, from: request).value
    }

    /// The value and the body's bytes (to fingerprint an idempotent request).
    public func decodeKeepingBytes<Value: Decodable>(_ type: Value.Type, from request: Request) async throws -> (value: Value, bytes: Data) {
        try Self.requireJSON(request)
        let buffer = try await collect(request)
        guard buffer.readableBytes > 0 else {
            throw BackroomError(.malformedRequest, "The request body is empty; send a JSON object.")
        }
        let bytes = Data(buffer.readableBytesView)
        return (try JSONCoders.decoder.decode(Value.self, from: bytes), bytes)
    }

    private static func requireJSON(_ request: Request) throws {
        guard let contentType = request.headers[.contentType], isJSON(contentType) else {
            throw BackroomError(.unsupportedMediaType, "Send the body as JSON, with Content-Type: application/json.")
        }
    }

    private func collect(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw BackroomError(.payloadTooLarge, "The request body is larger than \(limit / 1024) KiB.")
        }
    }

    /// For endpoints whose body is optional: an empty body is `nil`, whatever
    /// its content type says (clients send `Content-Type: application/json`
    /// with no body); a body that is there must be JSON.
    public func decodeIfPresent<Value: Decodable>(_ type: Value.Type, from request: Request) async throws -> Value? {
        if request.headers[.contentLength] == "0" { return nil }
        let buffer = try await collect(request)
        guard buffer.readableBytes > 0 else { return nil }
        try Self.requireJSON(request)
        return try JSONCoders.decoder.decode(Value.self, from: Data(buffer.readableBytesView))
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
