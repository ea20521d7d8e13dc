import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Yams

/// The OpenAPI document and the router describe the same routes.
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    @Test("every registered route is documented, and every documented route is registered")
    func routesMatchDocument() async throws {
        let server = try await TestServer()
        let registered = Set(server.router().routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let document = try #require(try Yams.load(yaml: OpenAPIDocument.text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var documented = Set<String>()
        for (path, item) in paths {
            for (method, _) in (item as? [String: Any]) ?? [:] where ["get", "put", "post", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(registered.subtracting(documented).sorted() == [], "registered but not documented")
        #expect(documented.subtracting(registered).sorted() == [], "documented but not registered")
    }

    @Test("every documented operation has an id and lists its error responses")
    func operationsAreComplete() throws {
        let document = try #require(try Yams.load(yaml: OpenAPIDocument.text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            for (method, value) in item {
                let operation = try #require(value as? [String: Any])
                #expect(operation["operationId"] is String, "\(method) \(path)")
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path) has no success response")
                #expect(responses["429"] != nil, "\(method) \(path) lacks 429")
            }
        }
    }
}
