using System.Runtime.CompilerServices;

namespace VlmForge.Data.Tasks;

/// <summary>Whether a text is a dead end, a proper prefix, or a complete grounding answer.</summary>
public enum PrefixStatus
{
    Invalid,
    Prefix,
    Complete,
}

/// <summary>
/// Incremental recogniser of the grounding answer shape, one character at a time. It accepts exactly the
/// texts that are prefixes of answers <see cref="GroundingAnswerParser"/> accepts, restricted to integer
/// coordinates (see <see cref="GroundingConstraintOptions"/>) and unescaped keys. A value type so that
/// checking a candidate token is a copy plus a few steps: no allocation per decoding step.
/// </summary>
public struct GroundingJsonPrefix
{
    private const int MaxDepth = 6;
    private const int MaxDigits = 9;

    private static readonly string[][] KeysByNode =
    [
        [GroundingJsonFormat.Root],
        [GroundingJsonFormat.Sentence, GroundingJsonFormat.Groundings],
        [GroundingJsonFormat.Phrase, GroundingJsonFormat.Grounding],
    ];

    private readonly long _maxX;
    private readonly long _maxY;
    private Frames _frames;
    private int _depth;
    private Scalar _scalar;
    private int _keyCandidates;
    private int _keyPosition;
    private bool _stringHasText;
    private int _escape;
    private int _hexValue;
    private long _number;
    private int _digits;
    private long _x1;
    private long _y1;
    private bool _done;
    private bool _failed;
    private int _blankRun;

    public GroundingJsonPrefix(GroundingConstraintOptions? options)
    {
        options ??= GroundingConstraintOptions.Unbounded;
        _maxX = options.MaxX ?? long.MaxValue / 16;
        _maxY = options.MaxY ?? long.MaxValue / 16;
    }

    /// <summary>What a value is; the first six are containers that get a frame, the last two are scalars.</summary>
    private enum Node : byte
    {
        RootObject,
        BodyObject,
        PhraseObject,
        PhraseArray,
        BoxArray,
        Box,
        Text,
        Coordinate,
    }

    private enum Phase : byte
    {
        Start,
        AfterKey,
        ExpectValue,
        AfterValue,
        AfterComma,
    }

    private enum Scalar : byte
    {
        None,
        Key,
        Text,
        Integer,
    }

    /// <summary>The text so far is a whole answer (EOS may follow).</summary>
    public readonly bool IsComplete => !_failed && _done && _scalar == Scalar.None;

    public readonly bool IsFailed => _failed;

    /// <summary>Inside a string value with no escape pending: any text without '"', '\\' or control characters continues it.</summary>
    public readonly bool InPlainString => !_failed && _scalar == Scalar.Text && _escape == 0;

    /// <summary>Classifies <paramref name="text"/> from the start.</summary>
    public static PrefixStatus Check(string text, GroundingConstraintOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var state = new GroundingJsonPrefix(options);
        if (!state.Feed(text))
        {
            return PrefixStatus.Invalid;
        }

        return state.IsComplete ? PrefixStatus.Complete : PrefixStatus.Prefix;
    }

    /// <summary>Feeds every character; false (and the state is failed) at the first one that leaves the shape.</summary>
    public bool Feed(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!Step(c))
            {
                return false;
            }
        }

        return true;
    }

    public bool Step(char c)
    {
        if (_failed)
        {
            return false;
        }

        bool ok = _scalar switch
        {
            Scalar.Key => StepKey(c),
            Scalar.Text => StepText(c),
            Scalar.Integer when c is >= '0' and <= '9' => StepDigit(c),
            Scalar.Integer => FinishInteger() && StepStructure(c),
            _ => StepStructure(c),
        };
        _failed = !ok;
        return ok;
    }

    /// <summary>Whitespace allowed in a row between JSON tokens (indentation included); more is a model stuck in blanks.</summary>
    private const int MaxBlankRun = 16;

    private bool StepStructure(char c)
    {
        bool whitespace = c is ' ' or '\t' or '\n' or '\r';
        _blankRun = whitespace ? _blankRun + 1 : 0;
        if (whitespace && _blankRun > MaxBlankRun)
        {
            return false;
        }
        if (_depth == 0)
        {
            if (whitespace)
            {
                // Nothing comes before the answer's object: a weakly trained model would otherwise fill every allowed
                // token with blanks and never start it.
                return _done;
            }

            if (_done || c != '{')
            {
                return false;
            }

            Push(Node.RootObject);
            return true;
        }

        if (whitespace)
        {
            return true;
        }

        ref Frame frame = ref _frames[_depth - 1];
        return frame.Node is Node.RootObject or Node.BodyObject or Node.PhraseObject
            ? StepObject(ref frame, c)
            : StepArray(ref frame, c);
    }

    private bool StepObject(ref Frame frame, char c)
    {
        string[] keys = KeysByNode[(int)frame.Node];
        int allKeys = (1 << keys.Length) - 1;
        switch (frame.Phase)
        {
            case Phase.Start:
            case Phase.AfterComma:
                if (c != '"')
                {
                    return false;
                }

                _scalar = Scalar.Key;
                _keyCandidates = allKeys & ~frame.KeysSeen;
                _keyPosition = 0;
                return true;
            case Phase.AfterKey:
                if (c != ':')
                {
                    return false;
                }

                frame.Phase = Phase.ExpectValue;
                return true;
            case Phase.ExpectValue:
                return BeginValue(ref frame, ValueOf(frame.Node, frame.CurrentKey), c);
            case Phase.AfterValue:
                if (c == ',' && frame.KeysSeen != allKeys)
                {
                    frame.Phase = Phase.AfterComma;
                    return true;
                }

                if (c == '}' && frame.KeysSeen == allKeys)
                {
                    Pop();
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private bool StepArray(ref Frame frame, char c)
    {
        (int min, int max) = frame.Node switch
        {
            Node.PhraseArray => (0, int.MaxValue),
            Node.BoxArray => (1, int.MaxValue),
            _ => (4, 4),
        };
        Node element = frame.Node switch
        {
            Node.PhraseArray => Node.PhraseObject,
            Node.BoxArray => Node.Box,
            _ => Node.Coordinate,
        };

        switch (frame.Phase)
        {
            case Phase.Start:
                if (c == ']')
                {
                    if (frame.Count < min)
                    {
                        return false;
                    }

                    Pop();
                    return true;
                }

                return BeginValue(ref frame, element, c);
            case Phase.AfterComma:
                return BeginValue(ref frame, element, c);
            case Phase.AfterValue:
                if (c == ',' && frame.Count < max)
                {
                    frame.Phase = Phase.AfterComma;
                    return true;
                }

                if (c == ']' && frame.Count >= min)
                {
                    Pop();
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>What the value of key <paramref name="key"/> of an object node is.</summary>
    private static Node ValueOf(Node node, int key) => (node, key) switch
    {
        (Node.RootObject, 0) => Node.BodyObject,
        (Node.BodyObject, 1) => Node.PhraseArray,
        (Node.PhraseObject, 1) => Node.BoxArray,
        _ => Node.Text,
    };

    private bool BeginValue(ref Frame parent, Node value, char c)
    {
        parent.Phase = Phase.AfterValue;
        parent.Count++;
        switch (value)
        {
            case Node.Text:
                if (c != '"')
                {
                    return false;
                }

                _scalar = Scalar.Text;
                _stringHasText = false;
                _escape = 0;
                return true;
            case Node.Coordinate:
                if (c is < '0' or > '9')
                {
                    return false;
                }

                _scalar = Scalar.Integer;
                _number = c - '0';
                _digits = 1;
                return CanStillComplete();
            case Node.BodyObject or Node.PhraseObject:
                if (c != '{')
                {
                    return false;
                }

                Push(value);
                return true;
            default:
                if (c != '[')
                {
                    return false;
                }

                Push(value);
                return true;
        }
    }

    private bool StepKey(char c)
    {
        ref Frame frame = ref _frames[_depth - 1];
        string[] keys = KeysByNode[(int)frame.Node];
        if (c == '"')
        {
            for (int k = 0; k < keys.Length; k++)
            {
                if ((_keyCandidates & (1 << k)) != 0 && keys[k].Length == _keyPosition)
                {
                    frame.KeysSeen |= (byte)(1 << k);
                    frame.CurrentKey = (byte)k;
                    frame.Phase = Phase.AfterKey;
                    _scalar = Scalar.None;
                    return true;
                }
            }

            return false;
        }

        int remaining = 0;
        for (int k = 0; k < keys.Length; k++)
        {
            if ((_keyCandidates & (1 << k)) != 0 && _keyPosition < keys[k].Length && keys[k][_keyPosition] == c)
            {
                remaining |= 1 << k;
            }
        }

        _keyCandidates = remaining;
        _keyPosition++;
        return remaining != 0;
    }

    private bool StepText(char c)
    {
        if (_escape == 1)
        {
            switch (c)
            {
                case '"' or '\\' or '/' or 'b':
                    _stringHasText = true;
                    _escape = 0;
                    return true;
                case 'n' or 'r' or 't' or 'f':
                    _escape = 0;
                    return true;
                case 'u':
                    _escape = 2;
                    _hexValue = 0;
                    return true;
                default:
                    return false;
            }
        }

        if (_escape >= 2)
        {
            int digit = HexValue(c);
            if (digit < 0)
            {
                return false;
            }

            _hexValue = (_hexValue << 4) | digit;
            if (++_escape == 6)
            {
                _escape = 0;
                _stringHasText |= !char.IsWhiteSpace((char)_hexValue);
            }

            return true;
        }

        switch (c)
        {
            case '"':
                // Strings must hold some visible text, as the parser demands.
                if (!_stringHasText)
                {
                    return false;
                }

                _scalar = Scalar.None;
                return true;
            case '\\':
                _escape = 1;
                return true;
            case < ' ':
                return false;
            default:
                _stringHasText |= !char.IsWhiteSpace(c);
                return true;
        }
    }

    private bool StepDigit(char c)
    {
        if ((_number == 0 && _digits == 1) || _digits >= MaxDigits)
        {
            return false;
        }

        _number = (_number * 10) + (c - '0');
        _digits++;
        return CanStillComplete();
    }

    private bool FinishInteger()
    {
        (long low, long high) = CoordinateRange();
        if (_number <= low || _number > high)
        {
            return false;
        }

        int index = _frames[_depth - 1].Count - 1;
        if (index == 0)
        {
            _x1 = _number;
        }
        else if (index == 1)
        {
            _y1 = _number;
        }

        _scalar = Scalar.None;
        return true;
    }

    /// <summary>Exclusive lower and inclusive upper bound of the coordinate being written.</summary>
    private readonly (long Low, long High) CoordinateRange()
    {
        int index = _frames[_depth - 1].Count - 1;
        return index switch
        {
            0 => (-1, _maxX - 1),
            1 => (-1, _maxY - 1),
            2 => (_x1, _maxX),
            _ => (_y1, _maxY),
        };
    }

    /// <summary>Whether some continuation of the digits so far ends inside the coordinate's range.</summary>
    private readonly bool CanStillComplete()
    {
        (long low, long high) = CoordinateRange();
        if (low + 1 > high)
        {
            return false;
        }

        if (_number == 0 && _digits == 1)
        {
            return low < 0;
        }

        long scale = 1;
        for (int extra = 0; extra + _digits <= MaxDigits; extra++)
        {
            long smallest = _number * scale;
            long largest = smallest + scale - 1;
            if (smallest > high)
            {
                return false;
            }

            if (largest > low)
            {
                return true;
            }

            scale *= 10;
        }

        return false;
    }

    private void Push(Node node)
    {
        _frames[_depth] = new Frame { Node = node, Phase = Phase.Start };
        _depth++;
        System.Diagnostics.Debug.Assert(_depth <= MaxDepth, "the grammar nests at most six levels");
    }

    private void Pop()
    {
        _depth--;
        if (_depth == 0)
        {
            _done = true;
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private struct Frame
    {
        public Node Node;
        public Phase Phase;
        public byte KeysSeen;
        public byte CurrentKey;
        public int Count;
    }

    [InlineArray(MaxDepth)]
    private struct Frames
    {
        private Frame _element;
    }
}
