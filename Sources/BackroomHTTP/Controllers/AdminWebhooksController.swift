import BackroomCore
import BackroomServices
import HTTPTypes
import Hummingbird

/// Webhook subscriptions and their deliveries (admins only).
struct AdminWebhooksController {
    let shop: Shop
    let body: RequestBodyReader

    func addRoutes(to router: Router<BackroomRequestContext>) {
        let group = router.group("/api/v1/admin/webhooks")
        let webhooks = shop.webhooks
        group.get { _, context in
            let list = try await webhooks.list(by: try context.requirePrincipal())
            return try JSONResponse.make(PageJSON(items: list.map(WebhookJSON.init), nextCursor: nil), headers: [.cacheControl: "no-store"])
        }
        group.post { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageWebhooks)
            let input = try await body.decode(CreateWebhookRequest.self, from: request)
            let (created, secret) = try await webhooks.create(url: input.url, events: input.events, description: input.description, by: principal)
            return try JSONResponse.make(
                WebhookWithSecretJSON(webhook: WebhookJSON(created), secret: secret), status: .created,
                headers: [.location: "/api/v1/admin/webhooks/\(created.id)", .cacheControl: "no-store"]
            )
        }
        group.get("{id}") { _, context in
            let found = try await webhooks.subscription(try context.webhookID(), by: try context.requirePrincipal())
            return try JSONResponse.make(WebhookJSON(found), headers: [.cacheControl: "no-store"])
        }
        group.patch("{id}") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageWebhooks)
            let input = try await body.decode(UpdateWebhookRequest.self, from: request)
            let updated = try await webhooks.update(
                try context.webhookID(), url: input.url, events: input.events, description: input.description, enabled: input.enabled, by: principal
            )
            return try JSONResponse.make(WebhookJSON(updated))
        }
        group.delete("{id}") { _, context in
            try await webhooks.delete(try context.webhookID(), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        group.post("{id}/disable") { _, context in
            try JSONResponse.make(WebhookJSON(try await webhooks.update(try context.webhookID(), enabled: false, by: try context.requirePrincipal())))
        }
        group.post("{id}/enable") { _, context in
            try JSONResponse.make(WebhookJSON(try await webhooks.update(try context.webhookID(), enabled: true, by: try context.requirePrincipal())))
        }
        group.post("{id}/rotate-secret") { _, context in
            let (updated, secret) = try await webhooks.rotateSecret(try context.webhookID(), by: try context.requirePrincipal())
            return try JSONResponse.make(WebhookWithSecretJSON(webhook: WebhookJSON(updated), secret: secret), headers: [.cacheControl: "no-store"])
        }
        group.post("{id}/test") { _, context in
            let delivery = try await webhooks.sendTestEvent(to: try context.webhookID(), by: try context.requirePrincipal())
            return try JSONResponse.make(WebhookDeliveryJSON(delivery), status: .accepted)
        }
        group.post("{id}/replay") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageWebhooks)
            let input = try await body.decode(ReplayRequest.self, from: request)
            guard let since = Timestamp(iso8601: input.since) else {
                throw BackroomError.validation("since", "\"\(input.since.prefix(40))\" is not an ISO 8601 time like 2026-11-29T10:00:00Z.")
            }
            let made = try await webhooks.replay(since: since, only: try context.webhookID(), by: principal)
            return try JSONResponse.make(ReplayResponse(deliveries: made), status: .accepted)
        }
        group.get("{id}/deliveries") { request, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageWebhooks)
            let query = QueryParameters(request)
            let window = try query.window(sort: "-id")
            var status: WebhookDelivery.Status?
            if let text = query.string("status") {
                guard let value = WebhookDelivery.Status(rawValue: text) else {
                    throw BackroomError.validation("status", "Use pending, delivered or failed.")
                }
                status = value
            }
            let deliveries = try await webhooks.deliveries(of: try context.webhookID(), status: status, window: window, by: principal)
            return try JSONResponse.make(deliveries.page(sort: "-id", WebhookDeliveryJSON.init), headers: [.cacheControl: "no-store"])
        }
        group.post("{id}/deliveries/{delivery}/retry") { _, context in
            let principal = try context.requirePrincipal()
            try principal.require(.manageWebhooks)
            let webhook = try context.webhookID()
            let text = try context.pathParameter("delivery")
            guard let id = Int64(text), id > 0 else { throw BackroomError.notFound("No delivery \"\(text.prefix(40))\".") }
            let delivery = try await webhooks.retry(delivery: id, of: webhook, by: principal)
            return try JSONResponse.make(WebhookDeliveryJSON(delivery), status: .accepted)
        }
    }
}

extension BackroomRequestContext {
    func webhookID() throws -> Int64 {
        let text = try pathParameter("id")
        guard let id = Int64(text), id > 0 else { throw BackroomError.notFound("No webhook subscription \"\(text.prefix(40))\".") }
        return id
    }
}
