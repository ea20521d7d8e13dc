import BackroomCore
import BackroomServices
import BackroomTelemetry
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The parts of a server that outlive one request, shared by the router,
/// the background services and whoever hosts the server (the console).
public struct ServerParts: Sendable {
    public let shop: Shop
    public let telemetry: Telemetry
    public let metrics: ShopMetrics
    public let cache: CatalogCache

    public init(shop: Shop, telemetry: Telemetry = Telemetry(), metrics: ShopMetrics = ShopMetrics(), cache: CatalogCache = CatalogCache()) {
        self.shop = shop
        self.telemetry = telemetry
        self.metrics = metrics
        self.cache = cache
    }
}

/// Builds the router: middlewares (errors first), then every controller.
public func buildRouter(_ parts: ServerParts, configuration: ServerConfiguration) -> Router<BackroomRequestContext> {
    let router = Router(context: BackroomRequestContext.self, options: .autoGenerateHeadEndpoints)
    let routeTable = RouteTable()
    let mapper = ProblemMapper(routes: routeTable)
    let clock = parts.shop.clock
    let recorder = configuration.telemetryEnabled ? RequestRecorder(instruments: RequestInstruments(telemetry: parts.telemetry, metrics: parts.metrics, clock: clock)) : nil
    let resolver = ClientResolver(trustedProxies: configuration.trustedProxies, exemptLoopback: configuration.exemptLoopback)
    let nodeName = configuration.resolvedNodeName
    parts.metrics.identify(node: nodeName, version: BackroomVersion.current)
    router.add(middleware: ErrorMiddleware(mapper: mapper, recorder: recorder, metrics: parts.metrics, identity: RequestIdentity(resolver: resolver)))
    router.add(middleware: ClientMiddleware(
        resolver: resolver,
        limiter: RateLimiter(
            limit: .requestsPerClientPerSecond, capacity: configuration.requestBurstPerClient,
            perSecond: configuration.requestsPerSecondPerClient, clock: clock
        )
    ))
    // Operations routes ignore credentials: a probe with a stale token is still a probe.
    OperationsController(shop: parts.shop, metrics: parts.metrics, allowlist: configuration.operationsAllowlist, nodeName: nodeName)
        .addRoutes(to: router)
    router.add(middleware: AuthenticationMiddleware(auth: parts.shop.auth))

    let body = RequestBodyReader(limit: configuration.bodyLimit)
    CatalogController(shop: parts.shop, cache: parts.cache).addRoutes(to: router)
    AuthController(shop: parts.shop, body: body).addRoutes(to: router)
    CartsController(shop: parts.shop, body: body, telemetry: parts.telemetry, metrics: parts.metrics).addRoutes(to: router)
    OrdersController(shop: parts.shop).addRoutes(to: router)
    AdminProductsController(shop: parts.shop, body: body, metrics: parts.metrics).addRoutes(to: router)
    AdminStockController(shop: parts.shop, body: body, metrics: parts.metrics).addRoutes(to: router)
    AdminOrdersController(shop: parts.shop, body: body).addRoutes(to: router)
    AdminUsersController(shop: parts.shop, body: body).addRoutes(to: router)
    AdminWebhooksController(shop: parts.shop, body: body).addRoutes(to: router)
    AdminNodesController(shop: parts.shop, nodeName: nodeName).addRoutes(to: router)
    let broadcast = LiveBroadcast(
        telemetry: parts.telemetry, metrics: parts.metrics, maximumSubscribers: configuration.maximumLiveSubscribers, node: nodeName
    )
    LiveController(shop: parts.shop, broadcast: broadcast).addRoutes(to: router)

    routeTable.set(RouteMatcher(routes: router.routes.map { ($0.path.description, $0.method) }))
    // In-process writes drop their product from the cache at once.
    let cache = parts.cache
    parts.shop.changes.subscribe { change in
        if case .product(let sku) = change { cache.invalidate(sku) }
    }
    return router
}

/// The whole API server: the router behind the connection guard, plus the
/// hold sweeper, payment recovery, the webhook dispatcher, the watcher that
/// notices catalog writes by other processes, the node's heartbeat, and
/// whatever else the host adds (backups).
///
/// `onServerRunning` is called with the listening channel once the server
/// accepts connections (its `localAddress` has the port a `port: 0` got).
public func buildApplication(
    _ parts: ServerParts, configuration: ServerConfiguration, logger: Logger, extraServices: [any Service] = [],
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(parts, configuration: configuration)
    // Every log line of this server names its node: requests' loggers
    // start from this one.
    var logger = logger
    logger[metadataKey: "node"] = .string(configuration.resolvedNodeName)
    let cache = parts.cache
    let watcher = RevisionWatcher(shop: parts.shop, interval: configuration.revisionPollInterval, logger: logger) { previous, current in
        if previous.catalog != current.catalog { cache.invalidateAll() }
    }
    let sweeper = HoldSweeper(carts: parts.shop.carts, interval: configuration.holdSweepInterval, logger: logger)
    let recovery = PaymentRecovery(orders: parts.shop.orders, interval: configuration.paymentRecoveryInterval, logger: logger)
    let dispatcher = WebhookDispatcher(
        webhooks: parts.shop.webhooks, settings: configuration.webhooks, metrics: WebhookMetrics(parts.metrics), logger: logger
    )
    let address = AnnouncedAddress(configuration.advertisedURL)
    let presence = NodePresence(
        nodes: parts.shop.nodes, name: configuration.resolvedNodeName, address: address, startedAt: parts.shop.clock.now(),
        interval: configuration.heartbeatInterval, logger: logger
    )
    let connections = ConnectionGuard(limits: configuration.connections, fileDescriptorLimit: FileDescriptorLimit.raise())
    let idle = TimeAmount.milliseconds(Int64(configuration.connections.idleTimeoutSeconds * 1000))
    return Application(
        router: router,
        server: .http1(configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: [connections.makeHandler()], idleTimeout: idle
        )),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: configuration.serverName,
            backlog: 1024
        ),
        // (A service group treats a service that returns as a failure: a
        // process that sends no webhooks runs no dispatcher at all.)
        services: [watcher, sweeper, recovery, presence] + (configuration.webhooks.enabled ? [dispatcher] : []) + extraServices,
        onServerRunning: { channel in
            if address.url == nil { address.url = configuration.announcedURL(listeningOn: channel.localAddress?.port ?? configuration.port) }
            await onServerRunning(channel)
        },
        logger: logger
    )
}

/// The route list, filled in once every route is registered.
final class RouteTable: Sendable, RouteLookup {
    private let matcher = Mutex(RouteMatcher(routes: []))

    func set(_ value: RouteMatcher) { matcher.withLock { $0 = value } }

    func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        matcher.withLock { $0.allowedMethods(for: path) }
    }
}

protocol RouteLookup: Sendable {
    func allowedMethods(for path: String) -> [HTTPRequest.Method]
}
