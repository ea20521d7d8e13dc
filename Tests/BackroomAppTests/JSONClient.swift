import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// JSON over real HTTP for the tests that drive running servers.
enum JSONClient {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(10))
        configuration.connectionPool = .init(idleTimeout: .seconds(1), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    struct Reply: @unchecked Sendable {
        let status: Int
        let json: [String: Any]
        let headers: HTTPHeaders
    }

    /// Status and JSON body, or nil when the connection failed (a kill).
    static func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], json: Any? = nil) async -> (Int, [String: Any])? {
        guard let reply = await exchange(method, url, headers: headers, json: json) else { return nil }
        return (reply.status, reply.json)
    }

    /// The whole reply, or nil when the connection failed.
    static func exchange(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], json: Any? = nil) async -> Reply? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json, let data = try? JSONSerialization.data(withJSONObject: json) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        guard let response = try? await client.execute(request, timeout: .seconds(10)),
              let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return Reply(status: Int(response.status.code), json: object, headers: response.headers)
    }
}
