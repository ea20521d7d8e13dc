/// The passwords tried first by anyone guessing (the top of the lists
/// published from real breaches), lower-cased. Only those of 8 characters
/// or more matter: shorter ones fail the length rule anyway.
enum CommonPasswords {
    static let all: Set<String> = [
        "12345678", "123456789", "1234567890", "12345678910", "123123123", "111111111", "11111111",
        "00000000", "000000000", "87654321", "987654321", "0987654321", "11223344", "12341234",
        "123451234", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "1qazxsw2", "zaq12wsx", "q1w2e3r4",
        "q1w2e3r4t5", "qwertyui", "qwertyuiop", "asdfghjk", "asdfghjkl", "zxcvbnm1", "qwerty123",
        "qwerty12", "qwertyu1", "password", "password1", "password12", "password123", "password!",
        "passw0rd", "p@ssw0rd", "p@ssword", "pa55word", "passwort", "motdepasse", "contraseña",
        "iloveyou", "iloveyou1", "sunshine", "princess", "football", "baseball", "basketball",
        "superman", "batman123", "starwars", "trustno1", "letmein1", "welcome1", "welcome123",
        "abc12345", "abcd1234", "abcdefgh", "aa123456", "a1234567", "a12345678", "admin123",
        "administrator", "changeme", "changeme1", "computer", "internet", "whatever", "michelle",
        "jennifer", "jordan23", "charlie1", "shadow12", "master12", "mustang1", "dragon12",
        "monkey12", "freedom1", "liverpool", "chelsea1", "arsenal1", "samsung1", "killer12",
        "secret12", "secret123", "test1234", "testtest", "welcome!", "letmein!", "qwerty!@",
        "1234qwer", "qwer1234", "q2w3e4r5", "azertyui", "azerty123", "11111111a", "a1b2c3d4",
        "correct horse battery staple", "backroom", "backroom1", "backroom123", "shop1234",
    ]
}
