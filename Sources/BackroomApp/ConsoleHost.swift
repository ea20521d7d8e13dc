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
    public static func run(_ launch: ConsoleLaunch) async throws {
        var launch = launch
        if case .hosted(var configuration) = launch.server, !PortProbe.isFree(host: configuration.host, port: configuration.port) {
            // The demo finds itself a port; an explicit server says what is wrong.
            guard launch.demo, let port = PortProbe.freePort(host: configuration.host, from: configuration.port + 1) else {
                throw BackroomError(.unavailable, "Cannot listen on \(configuration.host):\(configuration.port) (in use?); choose --listen HOST:PORT or --no-server.")
            }
            configuration.port = port
            launch.server = .hosted(configuration)
        }
        let store = try SQLiteShopStore(
            path: launch.storePath,
            configuration: .console
        )
        defer { try? store.close() }
        if launch.demo { try await DemoStore.prepare(store) }
        let shop = Shop(store: store, currency: store.currency)
        let principal = try await resolveOperator(launch.operatorName, shop: shop)
        let directories = ThemeDirectories.search()
        let themeName = launch.theme ?? ProcessInfo.processInfo.environment["BACKROOM_THEME"] ?? "default"
        let theme = try ThemeLoader.resolve(themeName, directories: directories)

        var serverLabel: String?
        var serverTask: Task<Void, any Error>?
        var feedTasks: [Task<Void, Never>] = []
        var logger = Logger(label: "backroom.console")
        logger.logLevel = .critical
        let telemetry = Telemetry()
        var group: ServiceGroup?

        let environment = ConsoleEnvironment(
            shop: shop, principal: principal, readOnly: launch.readOnly,
            storeName: (launch.storePath as NSString).lastPathComponent, theme: theme.theme, themeDirectories: directories,
            serverLabel: nil, supportsBraille: ProcessInfo.processInfo.environment["BACKROOM_NO_BRAILLE"] == nil
        )
        var configuredEnvironment = environment
        switch launch.server {
        case .none:
            break
        case .hosted(let configuration):
            serverLabel = "api \(configuration.host):\(configuration.port)"
            let parts = ServerParts(shop: shop, telemetry: telemetry)
            let app = buildApplication(parts, configuration: configuration, logger: logger)
            let serviceGroup = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: app)], logger: logger))
            group = serviceGroup
            serverTask = Task { try await serviceGroup.run() }
        case .attached(let url, _):
            serverLabel = "attached \(url)"
        }
        configuredEnvironment.serverLabel = serverLabel
        configuredEnvironment.startupNotice = theme.warnings.isEmpty ? nil : theme.warnings.joined(separator: "; ")

        let runner = TerminalRunner(program: ConsoleProgram(environment: configuredEnvironment))
        switch launch.server {
        case .hosted:
            feedTasks.append(InProcessFeed(telemetry: telemetry, store: store, inbox: runner.inbox, updatesPerSecond: launch.liveUpdatesPerSecond).start())
        case .attached(let url, let token):
            feedTasks.append(AttachedFeed(url: url, token: token, store: store, inbox: runner.inbox, updatesPerSecond: launch.liveUpdatesPerSecond).start())
        case .none:
            break
        }
        if launch.demo, case .hosted(let configuration) = launch.server {
            feedTasks.append(DemoShoppers(baseURL: "http://\(configuration.host):\(configuration.port)", shoppers: launch.demoShoppers).start())
            feedTasks.append(DemoCrew(shop: shop).start())
        }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { runner.inbox.post(.quit) }

        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                runner.run()
                continuation.resume()
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
        try? store.checkpoint()
    }

    /// The operator: a staff account with that email, or a local operator
    /// of that name (whoever can open the store file has full rights anyway).
    static func resolveOperator(_ name: String?, shop: Shop) async throws -> Principal {
        let name = name ?? ProcessInfo.processInfo.environment["USER"] ?? "console"
        if let email = try? Email(name), let credentials = try await shop.store.credentials(for: email) {
            guard !credentials.user.isDisabled else {
                throw BackroomError.forbidden("\(email) is disabled and cannot operate the console.")
            }
            guard credentials.user.role.isStaff else {
                throw BackroomError.forbidden("\(email) is a customer, not staff.")
            }
            return credentials.user.principal
        }
        return Principal(userID: nil, name: name, role: .admin)
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

/// Calls `handler` when one of `signals` arrives (instead of the default kill).
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
