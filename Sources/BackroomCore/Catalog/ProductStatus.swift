public enum ProductStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active
    case archived
}
