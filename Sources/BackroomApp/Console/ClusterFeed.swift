import AsyncHTTPClient
import BackroomConsole
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TerminalKit

/// Feeds the console from several API nodes: asks the URLs it was given
/// (`--attach`, any node or the load balancer) for the live nodes every
/// five seconds, and follows each node's own live stream (`AttachedFeed`,
/// with its reconnect and backoff). A node that goes away shows as down at
/// once, from its stream; the others keep streaming. A node that joins
/// later is followed from the next listing.
struct ClusterFeed: Sendable {
    let seeds: [String]
    let token: String
    let inbox: MessageInbox<ConsoleMessage>
    var updatesPerSecond = 4
    let reconnect: ReconnectFanOut

    static let listingInterval: Duration = .seconds(5)

    /// What asking one URL for the live nodes gave.
    enum Listing: Sendable, Equatable {
        case nodes([LiveNode])
        /// The server has no node list (an older Backroom).
        case unsupported
        case refused(String)
        case unreachable(String)
    }

    func start() -> Task<Void, Never> {
        Task.detached {
            let client = AttachedFeed.makeClient()
            defer { client.shutdown { _ in } }
            var followed: [String: Task<Void, Never>] = [:]
            defer { for task in followed.values { task.cancel() } }
            while !Task.isCancelled {
                var listed: [String: LiveNode] = [:]
                var problems: [String] = []
                for seed in seeds {
                    switch await Self.listNodes(at: seed, token: token, client: client) {
                    case .nodes(let nodes): for node in nodes { listed[node.name] = node }
                    case .unsupported: problems.append("\(seed) lists no nodes")
                    case .refused(let reason), .unreachable(let reason): problems.append(reason)
                    }
                }
                if !listed.isEmpty {
                    inbox.post(.live(.nodes(listed.values.sorted { $0.name < $1.name })))
                    for node in listed.values where followed[node.name] == nil {
                        let feed = AttachedFeed(
                            url: node.url, token: token, store: nil, inbox: inbox, updatesPerSecond: updatesPerSecond,
                            reconnect: reconnect.make(), node: node.name
                        )
                        followed[node.name] = feed.start()
                    }
                } else if followed.isEmpty {
                    // Nothing to follow yet: say why, and keep asking.
                    let reason = problems.first ?? "no live nodes listed"
                    inbox.post(.live(.connection(.disconnected(reason: reason, retryInSeconds: 5))))
                }
                try? await Task.sleep(for: Self.listingInterval)
            }
        }
    }

    /// Whether `seed` lists more than one live node (then the console
    /// follows each; otherwise it watches `seed`'s own stream).
    static func hasSeveralNodes(at seed: String, token: String) async -> Bool {
        let client = AttachedFeed.makeClient()
        let listing = await listNodes(at: seed, token: token, client: client)
        try? await client.shutdown()
        if case .nodes(let nodes) = listing { return nodes.count > 1 }
        return false
    }

    /// `GET URL/api/v1/admin/nodes` with the operator's token.
    static func listNodes(at seed: String, token: String, client: HTTPClient) async -> Listing {
        var request = HTTPClientRequest(url: seed.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/admin/nodes")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        do {
            let response = try await client.execute(request, timeout: .seconds(3))
            let body = try await response.body.collect(upTo: 1 << 20)
            switch response.status.code {
            case 200:
                let page = try JSONDecoder().decode(NodeList.self, from: Data(body.readableBytesView))
                return .nodes(page.items.map { LiveNode(name: $0.name, url: $0.url) })
            case 404: return .unsupported
            case 401, 403:
                let detail = AttachedFeed.problemDetail(String(buffer: body)).map { ": " + $0 } ?? ""
                return .refused("\(seed) refused the token (HTTP \(response.status.code))\(detail)")
            default: return .unreachable("\(seed) answered HTTP \(response.status.code)")
            }
        } catch {
            return .unreachable("\(seed): \(AttachedFeed.describe(error))")
        }
    }

    private struct NodeList: Decodable {
        struct Item: Decodable {
            var name: String
            var url: String
        }

        var items: [Item]
    }
}

/// One reconnect request (`R`, `:reconnect`) for every node's stream.
final class ReconnectFanOut: Sendable {
    private let requests = Mutex<[ReconnectRequests]>([])

    /// The requests one stream watches.
    func make() -> ReconnectRequests {
        let made = ReconnectRequests()
        requests.withLock { $0.append(made) }
        return made
    }

    func request() {
        for request in requests.withLock({ $0 }) { request.request() }
    }
}
