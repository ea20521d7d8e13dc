import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomHTTP
import Foundation
import TerminalKit

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The operator console: orders, inventory, users, live requests and metrics.",
        discussion: """
            By default the console hosts the API in this process (on --listen), so its live panes see \
            every request. --attach watches a separately running `backroom serve` instead; behind a URL with \
            several nodes (a load balancer, or any node of them), or with --attach given more than once, it \
            finds the live nodes and follows each one's stream. \
            --demo creates (or reuses) a demo store and drives simulated shoppers against it.

            The console acts as a staff account: --operator EMAIL names it and the console asks its \
            password, or --token (or $BACKROOM_TOKEN) signs in with one of its bearer tokens. The role \
            decides what the console offers (a viewer browses only). --demo signs in as the demo store's \
            admin, or as the demo account --operator names.

            Exit status: 0 when the operator quits, 2 when the terminal cannot be driven (not a \
            terminal, TERM=dumb, no terminfo entry), 64 for bad options, 130 after SIGINT, 143 after \
            SIGTERM, 1 for other errors.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "A theme name from themes/ (default, light, high-contrast, mono, colorblind) or a YAML file.")
    var theme: String?

    @Option(name: .customLong("operator"), help: "The staff account operating (its email); the console asks its password.")
    var operatorEmail: String?

    @Flag(help: "No write actions: browse only.")
    var readOnly = false

    @Option(help: "Where the hosted API listens.")
    var listen = "127.0.0.1:8080"

    @Flag(help: "Do not host the API.")
    var noServer = false

    @Option(help: ArgumentHelp(
        "Watch a running server at this URL instead of hosting one; with several nodes behind it (or several --attach), every node.",
        valueName: "url"
    ))
    var attach: [String] = []

    @Option(help: "A bearer token of the operating staff account (default: $BACKROOM_TOKEN); --attach uses it for the live stream.")
    var token: String?

    @Flag(help: "A demo store with simulated shoppers: everything alive on first launch.")
    var demo = false

    @Option(help: "Simulated shoppers in --demo.")
    var shoppers = 4

    @Option(help: "Live panes update this many times a second (1–4); keys are always answered at once.")
    var refresh = 4

    func validate() throws {
        if !attach.isEmpty && (noServer || demo) { throw ValidationError("--attach watches another server; it does not combine with --no-server or --demo.") }
        if demo && noServer { throw ValidationError("--demo needs the hosted server; drop --no-server.") }
        guard (1...50).contains(shoppers) else { throw ValidationError("--shoppers must be 1–50.") }
        guard (1...4).contains(refresh) else { throw ValidationError("--refresh must be 1–4 (updates a second).") }
        _ = try listenAddress()
    }

    func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (1...65535).contains(port) else {
            throw ValidationError("--listen takes HOST:PORT, like 127.0.0.1:8080.")
        }
        return (String(listen[..<colon]), port)
    }

    func run() async throws {
        do {
            try NcursesScreen.checkTerminal()
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        var status: Int32 = 0
        try await reportingErrors {
            var path = store.path
            if demo && store.db == nil && ProcessInfo.processInfo.environment["BACKROOM_DB"] == nil {
                path = "backroom-demo.sqlite"
            } else if !demo, case .sqlite = try store.location, !FileManager.default.fileExists(atPath: path) {
                throw BackroomError(.notFound, "No store at \(path); create one with `backroom seed`, or try `backroom console --demo`.")
            }
            let server: ConsoleLaunch.Server
            if !attach.isEmpty {
                server = .attached(urls: attach)
            } else if noServer {
                server = .none
            } else {
                let (host, port) = try listenAddress()
                server = .hosted(ServerConfiguration(host: host, port: port))
            }
            let token = token ?? ProcessInfo.processInfo.environment["BACKROOM_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                status = try await ConsoleHost.run(ConsoleLaunch(
                    storePath: path, theme: theme, operatorEmail: operatorEmail, token: token, readOnly: readOnly, server: server,
                    demo: demo, demoShoppers: shoppers, liveUpdatesPerSecond: refresh
                ))
            } catch let error as TerminalUnavailable {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
