using VlmForge.Settings;

namespace VlmForge.Data.Prompts;

/// <summary>The chat template of each model family, by the name used in model.family.</summary>
public static class ChatTemplates
{
    public static ChatTemplate Tiny { get; } = new TinyChatTemplate();

    public static ChatTemplate Qwen25Vl { get; } = new Qwen25VlChatTemplate();

    public static ChatTemplate SmolVlm { get; } = new SmolVlmChatTemplate();

    public static IReadOnlyList<ChatTemplate> All { get; } = [Tiny, Qwen25Vl, SmolVlm];

    public static ChatTemplate ForFamily(string family)
    {
        ArgumentException.ThrowIfNullOrEmpty(family);
        return All.FirstOrDefault(t => FamilyNames.Same(t.Family, family))
               ?? throw new ArgumentException(
                   $"No chat template for model family '{family}'. Known families: {string.Join(", ", All.Select(t => t.Family))}.",
                   nameof(family));
    }
}
