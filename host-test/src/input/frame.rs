//! The JSON grammar the scanner checks: one open object or array and what may come next in it.

/// An open object or array, and the token its grammar expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame {
    /// Just after `{`.
    ObjectKeyOrClose,
    /// After `,` in an object.
    ObjectKey,
    /// After a key.
    ObjectColon,
    /// After `:`.
    ObjectValue,
    /// After a member's value.
    ObjectCommaOrClose,
    /// Just after `[`.
    ArrayValueOrClose,
    /// After `,` in an array.
    ArrayValue,
    /// After an element.
    ArrayCommaOrClose,
}

impl Frame {
    /// Returns the frame a new bracket opens.
    pub(crate) fn open(bracket: u8) -> Self {
        if bracket == b'{' {
            Frame::ObjectKeyOrClose
        } else {
            Frame::ArrayValueOrClose
        }
    }

    pub(crate) fn accepts_value(self) -> bool {
        matches!(
            self,
            Frame::ObjectValue | Frame::ArrayValueOrClose | Frame::ArrayValue
        )
    }

    pub(crate) fn accepts_key(self) -> bool {
        matches!(self, Frame::ObjectKeyOrClose | Frame::ObjectKey)
    }

    /// Returns whether `closer` (`}` or `]`) may end this frame here.
    pub(crate) fn accepts_close(self, closer: u8) -> bool {
        match closer {
            b'}' => matches!(self, Frame::ObjectKeyOrClose | Frame::ObjectCommaOrClose),
            _ => matches!(self, Frame::ArrayValueOrClose | Frame::ArrayCommaOrClose),
        }
    }

    /// Returns the state after a value has started in this frame.
    pub(crate) fn after_value(self) -> Self {
        if self.is_object() {
            Frame::ObjectCommaOrClose
        } else {
            Frame::ArrayCommaOrClose
        }
    }

    /// Returns the state after a `,`, or `None` when a comma is not allowed here.
    pub(crate) fn after_comma(self) -> Option<Self> {
        match self {
            Frame::ObjectCommaOrClose => Some(Frame::ObjectKey),
            Frame::ArrayCommaOrClose => Some(Frame::ArrayValue),
            _ => None,
        }
    }

    pub(crate) fn is_object(self) -> bool {
        matches!(
            self,
            Frame::ObjectKeyOrClose
                | Frame::ObjectKey
                | Frame::ObjectColon
                | Frame::ObjectValue
                | Frame::ObjectCommaOrClose
        )
    }

    /// Returns the JSON type of the open value, for messages.
    pub(crate) fn type_name(self) -> &'static str {
        if self.is_object() { "object" } else { "array" }
    }

    /// Returns the tokens the grammar expects here, for messages.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Frame::ObjectKeyOrClose => "a string key or `}`",
            Frame::ObjectKey => "a string key",
            Frame::ObjectColon => "`:` after the key",
            Frame::ObjectValue => "a value after `:`",
            Frame::ObjectCommaOrClose => "`,` or `}` after the member",
            Frame::ArrayValueOrClose => "a value or `]`",
            Frame::ArrayValue => "a value after `,`",
            Frame::ArrayCommaOrClose => "`,` or `]` after the element",
        }
    }
}

/// Bytes that are part of a scalar token (a number, `true`, `false`, `null`, or anything
/// else the scanner leaves to the JSON parser): all but whitespace, the structural
/// characters, the quote and NUL.
pub(crate) static SCALAR_BYTE: [bool; 256] = {
    let mut table = [true; 256];
    let stops = b" \t\r\n\"{}[],:\0";
    let mut i = 0;
    while i < stops.len() {
        table[stops[i] as usize] = false;
        i += 1;
    }
    table
};

/// Returns the JSON type of a value that starts with `byte`, for messages about elements.
pub(crate) fn type_of_first_byte(byte: u8) -> &'static str {
    match byte {
        b'{' => "object",
        b'[' => "array",
        b'"' => "string",
        b't' | b'f' => "boolean",
        b'n' => "null",
        b'-' | b'0'..=b'9' => "number",
        _ => "invalid JSON token",
    }
}

/// Describes a byte for a message: printable ASCII in backticks, else its name or hex code.
pub(crate) fn describe_byte(byte: u8) -> String {
    match byte {
        b'\n' => "a line break".to_string(),
        0 => "a NUL byte".to_string(),
        b'!'..=b'~' => format!("`{}`", byte as char),
        _ => format!("byte 0x{byte:02X}"),
    }
}
