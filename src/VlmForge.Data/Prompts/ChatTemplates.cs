namespace VlmForge.Data.Prompts;

/// <summary>The built-in families' chat templates; each family hands out its own (the engine's <c>ISnapshotFamily.Template</c>).</summary>
public static class ChatTemplates
{
    public static ChatTemplate Tiny { get; } = new TinyChatTemplate();

    public static ChatTemplate Qwen25Vl { get; } = new Qwen25VlChatTemplate();

    public static ChatTemplate SmolVlm { get; } = new SmolVlmChatTemplate();
}
