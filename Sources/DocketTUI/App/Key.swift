/// A key press or terminal event, as the backend reports it.
public enum Key: Sendable, Equatable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab
    case resize(width: Int, height: Int)
}
