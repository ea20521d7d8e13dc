import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomHTTP
import Foundation

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The operator console: orders, inventory, users, live requests and metrics.",
        discussion: """
            By default the console hosts the API in this process (on --listen), so its live panes see \
            every request. --attach watches a separately running `backroom serve` instead. \
            --demo creates (or reuses) a demo store and drives simulated shoppers against it.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "A theme name from themes/ (default, light, high-contrast, mono, colorblind) or a YAML file.")
    var theme: String?

    @Option(name: .customLong("operator"), help: "Who is operating: a staff account's email, or a name (default: $USER).")
    var operatorName: String?

    @Flag(help: "No write actions: browse only.")
    var readOnly = false

    @Option(help: "Where the hosted API listens.")
    var listen = "127.0.0.1:8080"

    @Flag(help: "Do not host the API.")
    var noServer = false

    @Option(help: "Watch the live stream of a running server at this URL instead of hosting one.")
    var attach: String?

    @Option(help: "An admin token for --attach.")
    var token: String?

    @Flag(help: "A demo store with simulated shoppers: everything alive on first launch.")
    var demo = false

    @Option(help: "Simulated shoppers in --demo.")
    var shoppers = 4

    @Option(help: "Live panes update this many times a second (1–4); keys are always answered at once.")
    var refresh = 4

    func validate() throws {
        if attach != nil && token == nil { throw ValidationError("--attach needs --token (an admin's bearer token).") }
        if attach != nil && (noServer || demo) { throw ValidationError("--attach watches another server; it does not combine with --no-server or --demo.") }
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
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            printError("the console needs a terminal (stdin and stdout must be a TTY)")
            throw ExitCode(1)
        }
        try await reportingErrors {
            var path = store.path
            if demo && store.db == nil && ProcessInfo.processInfo.environment["BACKROOM_DB"] == nil {
                path = "backroom-demo.sqlite"
            } else if !demo && !FileManager.default.fileExists(atPath: path) {
                throw BackroomError(.notFound, "No store at \(path); create one with `backroom seed`, or try `backroom console --demo`.")
            }
            let server: ConsoleLaunch.Server
            if let attach, let token {
                server = .attached(url: attach, token: token)
            } else if noServer {
                server = .none
            } else {
                let (host, port) = try listenAddress()
                server = .hosted(ServerConfiguration(host: host, port: port))
            }
            try await ConsoleHost.run(ConsoleLaunch(
                storePath: path, theme: theme, operatorName: operatorName, readOnly: readOnly, server: server,
                demo: demo, demoShoppers: shoppers, liveUpdatesPerSecond: refresh
            ))
        }
    }
}
