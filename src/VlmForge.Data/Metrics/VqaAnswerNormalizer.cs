using System.Text.RegularExpressions;

namespace VlmForge.Data.Metrics;

/// <summary>
/// The answer normalization of the official VQA evaluation (vqaEval.py): punctuation is removed or turned
/// into spaces, periods not followed by a digit are dropped, the text is lower-cased, number words zero..ten
/// (and "none") become digits, the articles a/an/the are dropped and apostrophe-less contractions are
/// restored ("dont" → "don't"). Exact match of normalized strings is the accuracy.
/// </summary>
public static partial class VqaAnswerNormalizer
{
    private static readonly char[] Punctuation = [';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'];

    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["none"] = "0", ["zero"] = "0", ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4",
        ["five"] = "5", ["six"] = "6", ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10",
    };

    private static readonly HashSet<string> Articles = new(StringComparer.Ordinal) { "a", "an", "the" };

    private static readonly Dictionary<string, string> Contractions = new(StringComparer.Ordinal)
    {
        ["aint"] = "ain't", ["arent"] = "aren't", ["cant"] = "can't", ["couldve"] = "could've", ["couldnt"] = "couldn't",
        ["couldn'tve"] = "couldn't've", ["couldnt've"] = "couldn't've", ["didnt"] = "didn't", ["doesnt"] = "doesn't",
        ["dont"] = "don't", ["hadnt"] = "hadn't", ["hadnt've"] = "hadn't've", ["hadn'tve"] = "hadn't've", ["hasnt"] = "hasn't",
        ["havent"] = "haven't", ["hed"] = "he'd", ["hed've"] = "he'd've", ["he'dve"] = "he'd've", ["hes"] = "he's",
        ["howd"] = "how'd", ["howll"] = "how'll", ["hows"] = "how's", ["Id've"] = "I'd've", ["I'dve"] = "I'd've",
        ["Im"] = "I'm", ["Ive"] = "I've", ["isnt"] = "isn't", ["itd"] = "it'd", ["itd've"] = "it'd've", ["it'dve"] = "it'd've",
        ["itll"] = "it'll", ["let's"] = "let's", ["maam"] = "ma'am", ["mightnt"] = "mightn't", ["mightnt've"] = "mightn't've",
        ["mightn'tve"] = "mightn't've", ["mightve"] = "might've", ["mustnt"] = "mustn't", ["mustve"] = "must've",
        ["neednt"] = "needn't", ["notve"] = "not've", ["oclock"] = "o'clock", ["oughtnt"] = "oughtn't",
        ["ow's'at"] = "'ow's'at", ["'ows'at"] = "'ow's'at", ["'ow'sat"] = "'ow's'at", ["shant"] = "shan't",
        ["shed've"] = "she'd've", ["she'dve"] = "she'd've", ["she's"] = "she's", ["shouldve"] = "should've",
        ["shouldnt"] = "shouldn't", ["shouldnt've"] = "shouldn't've", ["shouldn'tve"] = "shouldn't've",
        ["somebody'd"] = "somebodyd", ["somebodyd've"] = "somebody'd've", ["somebody'dve"] = "somebody'd've",
        ["somebodyll"] = "somebody'll", ["somebodys"] = "somebody's", ["someoned"] = "someone'd",
        ["someoned've"] = "someone'd've", ["someone'dve"] = "someone'd've", ["someonell"] = "someone'll",
        ["someones"] = "someone's", ["somethingd"] = "something'd", ["somethingd've"] = "something'd've",
        ["something'dve"] = "something'd've", ["somethingll"] = "something'll", ["thats"] = "that's",
        ["thered"] = "there'd", ["thered've"] = "there'd've", ["there'dve"] = "there'd've", ["therere"] = "there're",
        ["theres"] = "there's", ["theyd"] = "they'd", ["theyd've"] = "they'd've", ["they'dve"] = "they'd've",
        ["theyll"] = "they'll", ["theyre"] = "they're", ["theyve"] = "they've", ["twas"] = "'twas", ["wasnt"] = "wasn't",
        ["wed've"] = "we'd've", ["we'dve"] = "we'd've", ["weve"] = "we've", ["werent"] = "weren't", ["whatll"] = "what'll",
        ["whatre"] = "what're", ["whats"] = "what's", ["whatve"] = "what've", ["whens"] = "when's", ["whered"] = "where'd",
        ["wheres"] = "where's", ["whereve"] = "where've", ["whod"] = "who'd", ["whod've"] = "who'd've",
        ["who'dve"] = "who'd've", ["wholl"] = "who'll", ["whos"] = "who's", ["whove"] = "who've", ["whyll"] = "why'll",
        ["whyre"] = "why're", ["whys"] = "why's", ["wont"] = "won't", ["wouldve"] = "would've", ["wouldnt"] = "wouldn't",
        ["wouldnt've"] = "wouldn't've", ["wouldn'tve"] = "wouldn't've", ["yall"] = "y'all", ["yall'll"] = "y'all'll",
        ["y'allll"] = "y'all'll", ["yall'd've"] = "y'all'd've", ["y'alld've"] = "y'all'd've", ["y'all'dve"] = "y'all'd've",
        ["youd"] = "you'd", ["youd've"] = "you'd've", ["you'dve"] = "you'd've", ["youll"] = "you'll", ["youre"] = "you're",
        ["youve"] = "you've",
    };

    public static string Normalize(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        string text = answer.Replace('\n', ' ').Replace('\t', ' ').Trim();
        text = ProcessPunctuation(text);
        return ProcessDigitsAndArticles(text);
    }

    private static string ProcessPunctuation(string input)
    {
        // Like the reference: the test looks at the original text, the replacement accumulates.
        bool digitCommaDigit = DigitCommaDigit().IsMatch(input);
        string output = input;
        foreach (char p in Punctuation)
        {
            bool remove = input.Contains($"{p} ", StringComparison.Ordinal) || input.Contains($" {p}", StringComparison.Ordinal) || digitCommaDigit;
            output = output.Replace(p.ToString(), remove ? string.Empty : " ", StringComparison.Ordinal);
        }

        // The reference pattern "(?!<=\d)(\.)(?!\d)" removes every period not followed by a digit.
        return PeriodNotBeforeDigit().Replace(output, string.Empty);
    }

    private static string ProcessDigitsAndArticles(string input)
    {
        var words = new List<string>();
        foreach (string raw in input.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            string word = NumberWords.GetValueOrDefault(raw, raw);
            if (!Articles.Contains(word))
            {
                words.Add(Contractions.GetValueOrDefault(word, word));
            }
        }

        return string.Join(' ', words);
    }

    [GeneratedRegex(@"\d,\d")]
    private static partial Regex DigitCommaDigit();

    [GeneratedRegex(@"\.(?!\d)")]
    private static partial Regex PeriodNotBeforeDigit();
}
