import BackroomConsole
import BackroomCore
import BackroomHTTP
import BackroomServices
import BackroomStore
import BackroomTelemetry
import Dispatch
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TerminalKit

/// Runs the console: opens the store, hosts (or attaches to) the API
/// server, feeds live telemetry to the panes, and puts everything away in
/// order when the operator quits or the process is signalled.
public enum ConsoleHost {
    /// Runs the console until the operator quits or a signal ends it;
    /// returns the exit status (0, or 128 + the signal: 130 for SIGINT,
    /// 143 for SIGTERM). Throws `TerminalUnavailable` before anything else
    /// when the terminal cannot be driven.
    public static func run(_ launch: ConsoleLaunch) async throws -> Int32 {
        try NcursesScreen.checkTerminal()
        var launch = launch
        if case .hosted(var configuration) = launch.server, !PortProbe.isFree(host: configuration.host, port: configuration.port) {
            // The demo finds itself a port; an explicit server says what is wrong.
            guard launch.demo, let port = PortProbe.freePort(host: configuration.host, from: configuration.port + 1) else {
                throw BackroomError(.unavailable, "Cannot listen on \(configuration.host):\(configuration.port) (in use?); choose --listen HOST:PORT or --no-server.")
            }
            configuration.port = port
            launch.server = .hosted(configuration)
        }
        let opened = try await OpenedStore.open(try StoreLocation.parse(launch.storePath), sqlite: .console, maximumConnections: 8)
        if launch.demo {
            guard case .sqlite(let file) = opened else {
                try? await opened.close()
                throw BackroomError.validation("db", "--demo makes a SQLite demo store; give it a file, or no --db.")
            }
            try await DemoStore.prepare(file)
        }
        let shop = Shop(store: opened.store, currency: opened.currency)
        // Signed in before the console takes the terminal: the password
        // prompt is a plain line.
        let session = try await OperatorSignIn.signIn(email: launch.operatorEmail, token: launch.token, demo: launch.demo, shop: shop)
        let directories = ThemeDirectories.search()
        let themeName = launch.theme ?? ProcessInfo.processInfo.environment["BACKROOM_THEME"] ?? "default"
        let theme = try ThemeLoader.resolve(themeName, directories: directories)
        var notices = theme.warnings
        let settingsStore = ConsoleSettingsStore.standard()
        var settings = ConsoleSettings()
        do {
            settings = try settingsStore.load()
        } catch {
            notices.append(error.message + " (using the default columns)")
        }

        var serverTask: Task<Void, any Error>?
        var feedTasks: [Task<Void, Never>] = []
        var logger = Logger(label: "backroom.console")
        logger.logLevel = .critical
        let telemetry = Telemetry()
        var group: ServiceGroup?
        let reconnect = ReconnectRequests()
        let fanOut = ReconnectFanOut()
        var clustered = false

        var environment = ConsoleEnvironment(
            shop: shop, principal: session.principal, readOnly: launch.readOnly,
            storeName: opened.name, theme: theme.theme, themeDirectories: directories,
            supportsBraille: ProcessInfo.processInfo.environment["BACKROOM_NO_BRAILLE"] == nil,
            settings: settings, settingsStore: settingsStore
        )
        switch launch.server {
        case .none:
            break
        case .hosted(let configuration):
            environment.serverLabel = "api \(configuration.host):\(configuration.port)"
            let parts = ServerParts(shop: shop, telemetry: telemetry)
            let app = buildApplication(parts, configuration: configuration, logger: logger)
            let serviceGroup = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: app)], logger: logger))
            group = serviceGroup
            serverTask = Task { try await serviceGroup.run() }
        case .attached(let urls):
            // Several nodes behind the URLs: follow each. One: its stream alone, as before clusters.
            clustered = urls.count > 1
            if !clustered { clustered = await ClusterFeed.hasSeveralNodes(at: urls[0], token: session.token ?? "") }
            environment.serverLabel = clustered ? "cluster \(urls.joined(separator: ", "))" : "attached \(urls[0])"
            if clustered {
                environment.reconnect = { fanOut.request() }
            } else {
                environment.reconnect = { reconnect.request() }
            }
        }
        environment.startupNotice = notices.isEmpty ? nil : notices.joined(separator: "; ")

        let runner = TerminalRunner(program: ConsoleProgram(environment: environment))
        switch launch.server {
        case .hosted:
            feedTasks.append(InProcessFeed(telemetry: telemetry, store: opened, inbox: runner.inbox, updatesPerSecond: launch.liveUpdatesPerSecond).start())
        case .attached(let urls) where clustered:
            let feed = ClusterFeed(
                seeds: urls, token: session.token ?? "", inbox: runner.inbox, updatesPerSecond: launch.liveUpdatesPerSecond, reconnect: fanOut
            )
            feedTasks.append(feed.start())
        case .attached(let urls):
            let feed = AttachedFeed(
                url: urls[0], token: session.token ?? "", store: opened, inbox: runner.inbox, updatesPerSecond: launch.liveUpdatesPerSecond,
                reconnect: reconnect
            )
            feedTasks.append(feed.start())
        case .none:
            break
        }
        if launch.demo, case .hosted(let configuration) = launch.server {
            feedTasks.append(DemoShoppers(baseURL: "http://\(configuration.host):\(configuration.port)", shoppers: launch.demoShoppers).start())
            feedTasks.append(DemoCrew(shop: shop).start())
        }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { signal in runner.inbox.post(.quit(signal: signal)) }

        let result: Result<ConsoleModel, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { try runner.run() })
            }
            thread.name = "backroom-ui"
            thread.start()
        }
        signals.cancel()
        for task in feedTasks { task.cancel() }
        if let group {
            await group.triggerGracefulShutdown()
            _ = try? await serverTask?.value
        }
        if session.openedHere, let token = session.token { try? await shop.auth.logout(token: token) }
        try? await opened.close()
        let model = try result.get()
        return model.exitSignal.map { 128 + $0 } ?? 0
    }
}

/// Where theme files are looked for: `$BACKROOM_THEMES`, `./themes`, and
/// `themes/` beside or above the executable (a checkout's `.build/…/backroom`).
enum ThemeDirectories {
    static func search() -> [String] {
        var directories: [String] = []
        if let custom = ProcessInfo.processInfo.environment["BACKROOM_THEMES"] { directories.append(custom) }
        directories.append(FileManager.default.currentDirectoryPath + "/themes")
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            directories.append(url.appendingPathComponent("themes").path)
            url = url.deletingLastPathComponent()
        }
        return directories.filter { FileManager.default.fileExists(atPath: $0) }
    }
}

/// Calls `handler` with the signal when one of `signals` arrives (instead
/// of the default kill).
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { handler(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
