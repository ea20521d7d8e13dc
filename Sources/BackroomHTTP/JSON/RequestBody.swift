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
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType) else {
            throw BackroomError(.unsupportedMediaType, "Send the body as JSON, with Content-Type: application/json.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw BackroomError(.payloadTooLarge, "The request body is larger than \(limit / 1024) KiB.")
        }
        guard buffer.readableBytes > 0 else {
            throw BackroomError(.malformedRequest, "The request body is empty; send a JSON object.")
        }
        let bytes = Data(buffer.readableBytesView)
        return (try JSONCoders.decoder.decode(Value.self, from: bytes), bytes)
    }

    /// For action endpoints whose body is optional: an empty body is `nil`.
    public func decodeIfPresent<Value: Decodable>(_ type: Value.Type, from request: Request) async throws -> Value? {
        if request.headers[.contentLength] == "0" || (request.headers[.contentType] == nil && request.headers[.contentLength] == nil) {
            return nil
        }
        return try await decode(type, from: request)
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
