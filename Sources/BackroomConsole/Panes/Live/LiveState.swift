import Foundation
import BackroomCore
import BackroomServices
import BackroomTelemetry

/// Live data arriving from the server (in process, or over SSE).
public enum LiveUpdate: Sendable {
    case requests([RequestRecord])
    case snapshot(MetricsSnapshot)
    case connection(LiveConnection)
    /// Sizes of the store file and its WAL, in bytes.
    case storeSizes(database: Int64, wal: Int64)
    /// What one node of several said on its own stream.
    indirect case fromNode(String, LiveUpdate)
    /// The live nodes, as the cluster lists them now.
    case nodes([LiveNode])
}

/// An API node the console watches.
public struct LiveNode: Sendable, Hashable {
    public var name: String
    public var url: String

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}

public enum LiveConnection: Sendable, Equatable {
    /// Requests are recorded in this process.
    case local
    case connecting
    case connected
    /// Lost; retrying in `retryInSeconds`.
    /// `retryInSeconds` nil: the feed stopped retrying (a refused token)
    /// until the operator asks (`R`, `:reconnect`).
    case disconnected(reason: String, retryInSeconds: Int?)
}

/// What the live feed says about the server, shared by the header and the
/// live panes. Watching several nodes, `snapshot` and `connection` are the
/// cluster's, made from `nodes`.
struct LiveStatus: Sendable {
    var snapshot: MetricsSnapshot?
    var storeSizes: (database: Int64, wal: Int64)?
    var connection: LiveConnection?
    /// Each node's own figures and stream, by name (empty for one server).
    var nodes: [String: NodeStatus] = [:]

    struct NodeStatus: Sendable {
        var url: String
        var snapshot: MetricsSnapshot?
        var connection: LiveConnection?
        /// When its stream was last lost (for "down 12 s").
        var downSince: Timestamp?

        var isUp: Bool { connection == .connected }
    }

    /// Whether the figures are current (connected or in process).
    var isLive: Bool { connection == .local || connection == .connected }

    var isCluster: Bool { !nodes.isEmpty }

    var nodeNames: [String] { nodes.keys.sorted() }

    var nodesUp: Int { nodes.values.filter(\.isUp).count }

    /// Applies what node `name` said, then recomputes the cluster's figures.
    mutating func apply(_ update: LiveUpdate, from name: String, at now: Timestamp) {
        var node = nodes[name] ?? NodeStatus(url: "")
        switch update {
        case .snapshot(let snapshot): node.snapshot = snapshot
        case .connection(let connection):
            if node.isUp && connection != .connected { node.downSince = now }
            if connection == .connected { node.downSince = nil }
            node.connection = connection
        default: break
        }
        nodes[name] = node
        recompute()
    }

    /// New nodes join (connecting until their stream answers); nodes no
    /// longer listed stay, shown by their stream's state, until they answer
    /// again or the console quits.
    mutating func list(_ listed: [LiveNode]) {
        for node in listed {
            if nodes[node.name] == nil { nodes[node.name] = NodeStatus(url: node.url, connection: .connecting) }
            nodes[node.name]?.url = node.url
        }
        recompute()
    }

    /// The cluster's figures: the up nodes' snapshots merged; connected
    /// while any node is.
    private mutating func recompute() {
        let up = nodes.values.filter(\.isUp)
        snapshot = ClusterSnapshot.merge(up.compactMap(\.snapshot).sorted { ($0.node ?? "") < ($1.node ?? "") }) ?? snapshot
        if !up.isEmpty {
            connection = .connected
        } else if nodes.values.contains(where: { $0.connection == .connecting || $0.connection == nil }) {
            connection = .connecting
        } else {
            let retry = nodes.values.compactMap { node -> Int? in
                if case .disconnected(_, let seconds) = node.connection { return seconds }
                return nil
            }.min()
            connection = .disconnected(reason: "no node answers", retryInSeconds: retry)
        }
    }
}

/// The Requests pane's state: a bounded tail of requests, and how the
/// operator looks at it.
struct LiveState: Sendable {
    static let capacity = 10_000

    var records = BoundedRing<RequestRecord>(capacity: LiveState.capacity)
    /// Requests that fell off the ring or were sampled out upstream.
    var dropped: UInt64 = 0
    var received: UInt64 = 0

    // Requests pane
    var isPaused = false
    /// Records that arrived while paused (shown as "paused · N new").
    var arrivedWhilePaused = 0
    /// While paused, the list shows records up to this id.
    var pausedAtID: UInt64?
    var statusClass: Int?
    var errorsOnly = false
    var slowerThanMilliseconds: Int?
    var text: String = ""
    var cursor = 0
    /// Rows scrolled back from the newest, when not following.
    var scroll = 0

    /// Console-wide numbers for records from several nodes, whose own ids
    /// are per node and would collide (pausing goes by id).
    private var nextClusterID: UInt64 = 1

    mutating func receive(_ batch: [RequestRecord]) {
        for var record in batch {
            if records.count == LiveState.capacity { dropped += 1 }
            if record.node != nil {
                record.id = nextClusterID
                nextClusterID += 1
            }
            records.append(record)
            if record.node != nil { placeByTime() }
        }
        received += UInt64(batch.count)
        if isPaused { arrivedWhilePaused += batch.count }
    }

    /// Several nodes' streams arrive in batches, a node's a quarter second
    /// at a time: the newest record moves back past newer ones from other
    /// nodes, so the list reads in time order. Ids stay with positions
    /// (ascending, as pausing needs), and nothing moves behind the point a
    /// pause froze.
    private mutating func placeByTime() {
        var position = records.count - 1
        while position > 0 {
            var newer = records[position - 1]
            var record = records[position]
            guard newer.at > record.at, pausedAtID.map({ newer.id > $0 }) ?? true else { return }
            swap(&newer.id, &record.id)
            records[position - 1] = record
            records[position] = newer
            position -= 1
        }
    }

    /// Whether any filter (or the pause) hides records.
    var isFiltered: Bool { pausedAtID != nil || errorsOnly || statusClass != nil || slowerThanMilliseconds != nil || !text.isEmpty }

    func matches(_ record: RequestRecord, lowered: String) -> Bool {
        if let pausedAtID, record.id > pausedAtID { return false }
        if errorsOnly && record.status < 400 { return false }
        if let statusClass, record.statusClass != statusClass { return false }
        if let slower = slowerThanMilliseconds, record.latencyMicroseconds < UInt64(slower) * 1000 { return false }
        if !lowered.isEmpty {
            let haystack = "\(record.method) \(record.path) \(record.status) \(record.user ?? "") \(record.requestID) \(record.node ?? "")".lowercased()
            if !haystack.contains(lowered) { return false }
        }
        return true
    }

    /// How many records the filters let through. Without filters, the
    /// ring's count: nothing is scanned.
    var visibleCount: Int {
        guard isFiltered else { return records.count }
        let lowered = text.lowercased()
        var count = 0
        for position in 0..<records.count where matches(records[position], lowered: lowered) { count += 1 }
        return count
    }

    /// The records the requests pane lists, oldest first, after filters;
    /// with `newest`, only the newest that many (what a following list
    /// shows), found by scanning back from the newest and stopping there.
    /// Frames at 200 requests a second cost a screenful, not 10,000 copies.
    func visibleRecords(newest limit: Int? = nil) -> [RequestRecord] {
        let lowered = text.lowercased()
        var found: [RequestRecord] = []
        if let limit {
            found.reserveCapacity(limit)
            var position = records.count - 1
            while position >= 0 && found.count < limit {
                let record = records[position]
                if matches(record, lowered: lowered) { found.append(record) }
                position -= 1
            }
            return found.reversed()
        }
        for position in 0..<records.count {
            let record = records[position]
            if matches(record, lowered: lowered) { found.append(record) }
        }
        return found
    }
}
