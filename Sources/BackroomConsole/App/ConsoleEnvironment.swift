import BackroomCore
import BackroomServices
import TerminalKit

/// What the console works with: the service layer, who is operating, and
/// how it looks. Everything the program does goes through these.
public struct ConsoleEnvironment: Sendable {
    public var shop: Shop
    /// The staff account at the keyboard; its role decides which keys exist.
    public var principal: Principal
    public var readOnly: Bool
    /// The store's file name, for the header.
    public var storeName: String
    public var theme: Theme
    public var themeDirectories: [String]
    /// The server whose live requests and metrics the console shows
    /// (`api 127.0.0.1:8080`, `attached to http://…`), nil without one.
    public var serverLabel: String?
    /// Whether braille charts can be drawn (a UTF-8 terminal).
    public var supportsBraille: Bool
    /// Shown on the flash line at start (theme warnings).
    public var startupNotice: String?
    /// Column choices per pane, and where they are saved.
    public var settings: ConsoleSettings
    public var settingsStore: ConsoleSettingsStore?
    /// Asks the live feed to reconnect now (after a refused token, say).
    public var reconnect: (@Sendable () -> Void)?

    public init(
        shop: Shop, principal: Principal, readOnly: Bool = false, storeName: String, theme: Theme = .builtInDefault,
        themeDirectories: [String] = ["themes"], serverLabel: String? = nil, supportsBraille: Bool = true,
        settings: ConsoleSettings = ConsoleSettings(), settingsStore: ConsoleSettingsStore? = nil
    ) {
        self.shop = shop
        self.principal = principal
        self.readOnly = readOnly
        self.storeName = storeName
        self.theme = theme
        self.themeDirectories = themeDirectories
        self.serverLabel = serverLabel
        self.supportsBraille = supportsBraille
        self.settings = settings
        self.settingsStore = settingsStore
    }
}
