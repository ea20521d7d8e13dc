import BackroomCore
import BackroomHTTP
import Foundation

/// How `backroom console` was asked to run.
public struct ConsoleLaunch: Sendable {
    public enum Server: Sendable {
        /// No API server: the live panes say so.
        case none
        /// Host the API in this process; the live panes see every request.
        case hosted(ServerConfiguration)
        /// Watch other processes' servers through their live streams (with
        /// the operator's token): one server, or every node of a cluster
        /// found through any of these URLs.
        case attached(urls: [String])
    }

    public var storePath: String
    public var theme: String?
    /// The staff account at the keyboard (`--operator`).
    public var operatorEmail: String?
    /// A bearer token of that account (`--token`, `$BACKROOM_TOKEN`).
    public var token: String?
    public var readOnly: Bool
    public var server: Server
    /// Seed a demo store if empty and drive simulated shoppers.
    public var demo: Bool
    public var demoShoppers: Int
    /// How often new requests reach the live panes (1–4 a second).
    public var liveUpdatesPerSecond: Int

    public init(
        storePath: String, theme: String?, operatorEmail: String?, token: String? = nil, readOnly: Bool, server: Server,
        demo: Bool = false, demoShoppers: Int = 4, liveUpdatesPerSecond: Int = 4
    ) {
        self.storePath = storePath
        self.theme = theme
        self.operatorEmail = operatorEmail
        self.token = token
        self.readOnly = readOnly
        self.server = server
        self.demo = demo
        self.demoShoppers = demoShoppers
        self.liveUpdatesPerSecond = min(4, max(1, liveUpdatesPerSecond))
    }
}
