/// Word lists for realistic demo data: a homeware and apparel shop, with
/// some names in Chinese, Japanese and with emoji so that wide characters
/// are always on screen.
enum DemoCatalog {
    struct Category {
        let prefix: String
        let items: [String]
        let basePrice: ClosedRange<Int64>
    }

    static let categories: [Category] = [
        Category(prefix: "MUG", items: ["Enamel mug", "Stoneware mug", "Travel mug", "Espresso cup", "Tea bowl"], basePrice: 690...1890),
        Category(prefix: "TEE", items: ["Organic cotton tee", "Linen shirt", "Long-sleeve tee", "Pocket tee"], basePrice: 1900...4900),
        Category(prefix: "BAG", items: ["Canvas tote", "Waxed backpack", "Market bag", "Crossbody pouch"], basePrice: 1500...8900),
        Category(prefix: "LMP", items: ["Desk lamp", "Paper lantern", "Clip light", "Pendant lamp"], basePrice: 2900...14900),
        Category(prefix: "BTL", items: ["Steel bottle", "Glass carafe", "Insulated flask"], basePrice: 1290...3490),
        Category(prefix: "NTB", items: ["Dot-grid notebook", "Sketchbook", "Pocket journal", "Planner"], basePrice: 590...2490),
        Category(prefix: "PEN", items: ["Brass pen", "Fountain pen", "Gel pen set", "Pencil tin"], basePrice: 390...6900),
        Category(prefix: "SCK", items: ["Merino socks", "Hiking socks", "Ankle socks"], basePrice: 890...1990),
        Category(prefix: "CAP", items: ["Wool beanie", "Canvas cap", "Bucket hat"], basePrice: 1490...3490),
        Category(prefix: "CND", items: ["Soy candle", "Beeswax taper", "Tea lights"], basePrice: 690...2890),
        Category(prefix: "TWL", items: ["Waffle towel", "Linen tea towel", "Bath sheet"], basePrice: 990...4490),
        Category(prefix: "PLT", items: ["Stoneware plate", "Side plate", "Serving platter"], basePrice: 890...5490),
    ]

    static let colours = [
        "forest green", "charcoal", "sand", "rust", "ocean blue", "oat", "black", "white", "sage", "mustard",
        "clay", "navy", "stone", "plum", "moss", "indigo", "terracotta", "slate",
    ]

    static let wideVariants = [
        "藍色", "抹茶", "桜 limited", "🌲 limited", "☕ edition", "深緑", "白磁", "🍵 matcha", "墨色", "🌸 spring",
    ]

    static let descriptions = [
        "Made in small batches.", "Dishwasher safe.", "Designed to last for years.", "Each piece is slightly different.",
        "Packed without plastic.", "A customer favourite.", "Limited run.",
    ]

    static let firstNames = [
        "Ana", "Li", "Jo", "Sam", "Mia", "Noah", "Lea", "Omar", "Ines", "Yuki", "Chen", "Priya", "Lukas", "Sofia",
        "Mateo", "Emma", "Aiko", "Jonas", "Zoe", "Ravi", "Nora", "Felix", "Hana", "Elif", "Ben", "Ida", "Kai", "Lina",
    ]

    static let lastNames = [
        "Lima", "Wei", "Schmidt", "Garcia", "Müller", "Rossi", "Tanaka", "Kowalski", "Okafor", "Novak", "Silva",
        "Dubois", "Jensen", "Haddad", "Park", "Nguyen", "Costa", "Berg", "Khan", "Moreau",
    ]

    static let wideNames = ["李伟", "王芳", "佐藤 花子", "김민준", "陳美玲", "山田 太郎"]

    static let cities = [
        ("Berlin", "DE", "10115"), ("Lisbon", "PT", "1100-148"), ("Lyon", "FR", "69001"), ("Milan", "IT", "20121"),
        ("Vienna", "AT", "1010"), ("Utrecht", "NL", "3511"), ("Kraków", "PL", "31-001"), ("Ghent", "BE", "9000"),
    ]

    static let streets = ["Hauptstraße", "Rua Augusta", "Rue de la République", "Via Roma", "Ringstraße", "Oudegracht"]
}
