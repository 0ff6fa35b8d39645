/// The `/` and `:` lines: they start empty, with what was typed last as a
/// grey suggestion that Tab or → takes.
public struct Prompt: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case search, command }
    public var kind: Kind
    public var text = ""
    public var suggestion: String?
    /// The filter that was applied when the prompt opened: Esc puts it back
    /// (lists filter as you type).
    public var before: String?

    public init(kind: Kind, suggestion: String?, before: String? = nil) {
        self.kind = kind
        self.suggestion = suggestion.flatMap { $0.isEmpty ? nil : $0 }
        self.before = before
    }
}

extension Reducer {
    /// The prompt's keys: typing, Enter, Esc, taking the suggestion.
    static let promptKeys = KeyTable("Typing after / or :", [
        KeyBinding([.enter], "Enter", "run the command, or search (lists filter as you type)", bar: "run") { s, _ in
            guard let prompt = s.prompt else { return [] }
            s.prompt = nil
            let text = trimmed(prompt.text)
            switch prompt.kind {
            case .search:
                if !text.isEmpty { s.lastSearch[s.screen] = text }
                return find(&s, text, final: true)
            case .command:
                if !text.isEmpty { s.lastCommand = text }
                return run(command: text, &s)
            }
        },
        KeyBinding([.escape], "Esc", "cancel (a list's filter goes back to what it was)", bar: "cancel") { s, _ in
            guard let prompt = s.prompt else { return [] }
            s.prompt = nil
            if prompt.kind == .search, filtersAsTyped(s.screen) { return find(&s, prompt.before ?? "", final: false) }
            return []
        },
        KeyBinding([.tab, .right], "Tab →", "take the grey suggestion (what was typed last)", bar: "suggestion",
                   when: { $0.prompt?.suggestion != nil && $0.prompt?.text.isEmpty == true }) { s, _ in
            guard let suggestion = s.prompt?.suggestion else { return [] }
            return edit(&s) { $0 = suggestion }
        },
        KeyBinding([.backspace], "Backspace", "delete the last character") { s, _ in edit(&s) { if !$0.isEmpty { $0.removeLast() } } },
        KeyBinding([.ctrlU], "Ctrl-U", "clear the line") { s, _ in edit(&s) { $0 = "" } },
        KeyBinding([], "text", "typed into the line", accepts: { $0.typedCharacter != nil }) { s, key in
            guard let c = key.typedCharacter else { return [] }
            return edit(&s) { if $0.count < 200 { $0.append(c) } }
        },
    ])

    /// The Batches and Batch lists filter as each key is typed; the store's
    /// search waits for Enter.
    static func filtersAsTyped(_ screen: AppState.Screen) -> Bool { screen == .batches || screen == .batch || screen == .errors }

    static func edit(_ s: inout AppState, _ change: (inout String) -> Void) -> [Effect] {
        guard var prompt = s.prompt else { return [] }
        change(&prompt.text)
        s.prompt = prompt
        if prompt.kind == .search, filtersAsTyped(s.screen) { return find(&s, trimmed(prompt.text), final: false) }
        return []
    }

    static func openPrompt(_ s: inout AppState, _ kind: Prompt.Kind) {
        switch kind {
        case .command: s.prompt = Prompt(kind: .command, suggestion: s.lastCommand)
        case .search: s.prompt = Prompt(kind: .search, suggestion: s.lastSearch[s.screen], before: currentFilter(s))
        }
    }

    static func currentFilter(_ s: AppState) -> String? {
        switch s.screen {
        case .batches: s.batchesFilter
        case .batch: s.batchFilter
        case .errors: s.errors.filter
        default: nil
        }
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
