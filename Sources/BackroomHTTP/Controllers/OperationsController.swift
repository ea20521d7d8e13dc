import BackroomCore
import BackroomServices
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Health, readiness, Prometheus metrics and the OpenAPI document.
struct OperationsController {
    let shop: Shop
    let metrics: ShopMetrics
    /// Who may read `/metrics` and `/openapi.yaml`; empty allows everyone.
    let allowlist: [AddressRange]
    /// Named in `/healthz`, so a probe through the load balancer sees which node answered.
    let nodeName: String

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let healthy = Self.healthyBody(node: nodeName)
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: healthy))
        }
        router.get("/readyz") { _, _ in
            do {
                _ = try await shop.revision()
                return try JSONResponse.make(["status": "ready"])
            } catch {
                return try JSONResponse.make(["status": "store unreachable"], status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, context in
            try allow(context)
            metrics.refreshGauges(at: shop.clock.now())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        router.get("/openapi.yaml") { _, context in
            try allow(context)
            return Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
            )
        }
    }

    /// Encoded once: a probe costs no encoding.
    static func healthyBody(node: String) -> ByteBuffer {
        let fields: [String: String] = ["status": "ok", "node": node]
        let data = (try? JSONCoders.encoder.encode(fields)) ?? Data(#"{"status":"ok"}"#.utf8)
        return ByteBuffer(bytes: data)
    }

    private func allow(_ context: BackroomRequestContext) throws {
        guard !allowlist.isEmpty else { return }
        guard let address = context.clientAddress ?? context.peerAddress, allowlist.contains(where: { $0.contains(address) }) else {
            throw BackroomError.forbidden("This address may not read the server's operations documents.")
        }
    }
}

/// The OpenAPI document shipped with the server (`Resources/openapi.yaml`).
public enum OpenAPIDocument {
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url)
        else { return Array("openapi: 3.1.0\ninfo: {title: Backroom, version: missing}\npaths: {}\n".utf8) }
        return Array(data)
    }()

    public static var text: String { String(decoding: bytes, as: UTF8.self) }
}
