import BackroomCore
import Foundation
import Yams

/// Every setting the server reads, with its default and what it does: the
/// one list behind unknown-key errors, `backroom settings` and the
/// operations guide's table.
public enum SettingsCatalog {
    public struct Entry: Sendable {
        public var key: String
        public var defaultValue: String
        public var meaning: String
    }

    public static let entries: [Entry] = [
        Entry(key: "host", defaultValue: "127.0.0.1", meaning: "address to listen on"),
        Entry(key: "port", defaultValue: "8080", meaning: "port to listen on"),
        Entry(key: "db", defaultValue: "backroom.sqlite", meaning: "the store file"),
        Entry(key: "log_level", defaultValue: "info", meaning: "trace, debug, info, notice, warning, error or critical"),
        Entry(key: "durability", defaultValue: "normal", meaning: "normal: a commit survives a crash; full: a power loss too"),
        Entry(key: "body_limit_kib", defaultValue: "1024", meaning: "largest request body"),
        Entry(key: "rate_limit_per_second", defaultValue: "200", meaning: "requests per second per client address"),
        Entry(key: "rate_limit_burst", defaultValue: "twice the rate", meaning: "requests a client may send at once"),
        Entry(key: "trusted_proxies", defaultValue: "(none)", meaning: "addresses/CIDRs whose X-Forwarded-For and Forwarded are believed"),
        Entry(key: "exempt_loopback", defaultValue: "true without trusted proxies, else false", meaning: "loopback clients skip per-client limits"),
        Entry(key: "operations_allow", defaultValue: "(everyone)", meaning: "addresses/CIDRs that may read /metrics and /openapi.yaml"),
        Entry(key: "node.name", defaultValue: "host name:port", meaning: "this node's name among the nodes sharing the store (logs, /healthz, /metrics, the console)"),
        Entry(key: "node.url", defaultValue: "http://host:port", meaning: "where the console reaches this node (behind NAT or a container, its outside address)"),
        Entry(key: "hold_minutes", defaultValue: "15", meaning: "how long a cart holds its stock"),
        Entry(key: "password_cost", defaultValue: "12", meaning: "bcrypt work factor (10–16)"),
        Entry(key: "token_days", defaultValue: "30", meaning: "how long a login token lives"),
        Entry(key: "limits.units_per_line", defaultValue: "999", meaning: "units of one product in one cart line"),
        Entry(key: "limits.lines_per_cart", defaultValue: "50", meaning: "different products in one cart"),
        Entry(key: "limits.hold_share", defaultValue: "0.5", meaning: "share of a product's available stock one cart may hold"),
        Entry(key: "limits.hold_floor_units", defaultValue: "5", meaning: "units a cart may always hold, whatever the share"),
        Entry(key: "limits.hold_lifetime_minutes", defaultValue: "60", meaning: "how long after a cart's first hold all its holds end"),
        Entry(key: "limits.holds_per_client_per_minute", defaultValue: "120", meaning: "cart line changes per client address"),
        Entry(key: "limits.carts_per_client_per_hour", defaultValue: "60", meaning: "new carts per client address"),
        Entry(key: "limits.registrations_per_client_per_hour", defaultValue: "20", meaning: "sign-ups per client address"),
        Entry(key: "limits.registrations_per_second", defaultValue: "5", meaning: "sign-ups per second, shop-wide"),
        Entry(key: "limits.logins_per_client_per_minute", defaultValue: "30", meaning: "sign-ins per client address"),
        Entry(key: "limits.logins_per_second", defaultValue: "20", meaning: "sign-ins per second, shop-wide"),
        Entry(key: "limits.login_failures_per_account_and_client", defaultValue: "10", meaning: "failed sign-ins for one account from one address (then one per 6 s)"),
        Entry(key: "limits.login_failures_per_account_per_hour", defaultValue: "200", meaning: "failed sign-ins for one account from everywhere"),
        Entry(key: "hashing.threads", defaultValue: "half the cores", meaning: "threads that hash passwords"),
        Entry(key: "hashing.queue", defaultValue: "16", meaning: "hashes that may wait; beyond, 503 with Retry-After"),
        Entry(key: "connections.idle_timeout_seconds", defaultValue: "60", meaning: "close a connection idle this long"),
        Entry(key: "connections.header_timeout_seconds", defaultValue: "10", meaning: "a request's headers must arrive within this"),
        Entry(key: "connections.per_client", defaultValue: "256", meaning: "open connections per client address"),
        Entry(key: "connections.total", defaultValue: "file limit − 256", meaning: "open connections in all"),
        Entry(key: "live.max_subscribers", defaultValue: "16", meaning: "live-stream viewers at once"),
        Entry(key: "payments.timeout_seconds", defaultValue: "15", meaning: "how long a pay request waits for the provider"),
        Entry(key: "payments.journal", defaultValue: "(memory)", meaning: "file where the simulated provider keeps its charges"),
        Entry(key: "payments.recovery_seconds", defaultValue: "10", meaning: "how often interrupted payments are looked up and settled"),
        Entry(key: "backup.every", defaultValue: "(off)", meaning: "back up on a schedule: 30m, 1h, 1d"),
        Entry(key: "backup.dir", defaultValue: "backups", meaning: "where scheduled backups go"),
        Entry(key: "backup.keep", defaultValue: "24", meaning: "scheduled backups kept"),
        Entry(key: "allow_private_webhook_targets", defaultValue: "false", meaning: "webhooks may point at loopback, private and link-local addresses"),
        Entry(key: "webhooks.enabled", defaultValue: "true", meaning: "this process sends webhook deliveries (events are recorded either way)"),
        Entry(key: "webhooks.timeout_seconds", defaultValue: "10", meaning: "how long a receiver has to answer"),
        Entry(key: "webhooks.concurrency", defaultValue: "8", meaning: "deliveries in flight at once"),
        Entry(key: "webhooks.first_retry_seconds", defaultValue: "10", meaning: "delay before the first retry; doubles each time, with jitter"),
        Entry(key: "webhooks.max_retry_seconds", defaultValue: "3600", meaning: "longest delay between retries"),
        Entry(key: "webhooks.retry_for", defaultValue: "1d", meaning: "how long a delivery is retried before it is marked failed"),
        Entry(key: "webhooks.disable_after", defaultValue: "1d", meaning: "a subscription whose every attempt failed this long is disabled"),
        Entry(key: "webhooks.retention", defaultValue: "7d", meaning: "delivered events older than this are deleted"),
    ]

    public static let keys: Set<String> = Set(entries.map(\.key))

    /// Refuses a settings file with a key nobody reads (a typo would
    /// otherwise leave a limit at its default without a word).
    static func checkKeys(inFile path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BackroomError.validation("config", "Cannot read the settings file \(path).")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw BackroomError.validation("config", "\(path) is not valid YAML: \(error)")
        }
        guard let node else { return }
        guard case .mapping(let mapping) = node else {
            throw BackroomError.validation("config", "\(path): expected a mapping of settings.")
        }
        var found: [String] = []
        func walk(_ mapping: Node.Mapping, prefix: String) {
            for (key, value) in mapping {
                let name = prefix + (key.string ?? "?")
                if case .mapping(let inner) = value, !keys.contains(name) {
                    walk(inner, prefix: name + ".")
                } else {
                    found.append(name)
                }
            }
        }
        walk(mapping, prefix: "")
        if let unknown = found.first(where: { !keys.contains($0) }) {
            throw BackroomError.validation("config", "\(path): unknown setting \"\(unknown)\"; `backroom settings` lists them.")
        }
    }
}
