using System.Threading.Channels;
using VlmForge.Cli.Commands;
using VlmForge.Data.Geometry;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Generation;

namespace VlmForge.Cli.Serving;

/// <summary>A finished answer.</summary>
/// <param name="Text">The answer (grounding JSON in the image's own pixels for grounding requests).</param>
/// <param name="FinishReason"><c>stop</c> (end token, or the grounding JSON was complete) or <c>length</c> (max_tokens reached).</param>
/// <param name="CompletionTokens">Tokens generated, the end token included.</param>
public sealed record ChatAnswer(string Text, string FinishReason, int CompletionTokens);

/// <summary>
/// One request in the queue: the worker feeds it tokens as they are generated (streamed requests get text deltas) and
/// completes it with the answer or an error.
/// </summary>
public sealed class ChatJob
{
    private readonly Channel<string>? _deltas;
    private readonly TaskCompletionSource<ChatAnswer> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<int> _tokens = [];
    private string _sent = "";

    public ChatJob(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
        // A grounding answer is rewritten into the image's pixels at the end, so it is sent whole, not token by token.
        _deltas = request.Stream ? Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }) : null;
    }

    public ChatRequest Request { get; }

    /// <summary>The answer, or the <see cref="ApiError"/> that ended the request.</summary>
    public Task<ChatAnswer> Answer => _answer.Task;

    /// <summary>Text pieces as they are generated (streamed requests only); completes when the answer is done.</summary>
    public ChannelReader<string> Deltas => _deltas?.Reader ?? throw new InvalidOperationException("Only streamed requests have deltas.");

    /// <summary>
    /// Records one generated token and sends the text it adds. Text is decoded from every token so far, so a character
    /// split over byte tokens is only sent once complete.
    /// </summary>
    internal void Took(int token, ITextTokenizer tokenizer, int endTokenId)
    {
        if (_deltas is null || Request.Grounding || token == endTokenId)
        {
            return;
        }
        _tokens.Add(token);
        string text = tokenizer.Decode(_tokens, skipSpecialTokens: true);
        if (text.EndsWith('\uFFFD') || !text.StartsWith(_sent, StringComparison.Ordinal) || text.Length == _sent.Length)
        {
            return;
        }
        _deltas.Writer.TryWrite(text[_sent.Length..]);
        _sent = text;
    }

    /// <summary>Completes the request with its generated row.</summary>
    internal void Complete(GeneratedSequence row, BoxConvention boxes)
    {
        string text = row.Text;
        if (Request.Grounding
            && GroundingAnswers.InImagePixels(row.Text, boxes, Request.Prompt.OriginalSize!.Value, out _) is { } inImagePixels)
        {
            text = GroundingJsonWriter.Write(inImagePixels);
        }
        if (_deltas is not null)
        {
            // Whatever the token deltas did not carry (a grounding answer, or text held back at a split character).
            string rest = text.StartsWith(_sent, StringComparison.Ordinal) ? text[_sent.Length..] : "";
            if (rest.Length > 0)
            {
                _deltas.Writer.TryWrite(rest);
            }
            _deltas.Writer.TryComplete();
        }
        string finish = row.StopReason == StopReason.MaxNewTokens ? "length" : "stop";
        _answer.TrySetResult(new ChatAnswer(text, finish, row.TokenIds.Count));
    }

    /// <summary>Ends the request with an error.</summary>
    internal void Fail(ApiError error)
    {
        _deltas?.Writer.TryComplete(error);
        _answer.TrySetException(error);
    }
}
