using VlmForge.Data.Prompts;

namespace VlmForge.Data.Tests.Prompts;

public class ChatTemplateTests
{
    private const string System = "You are a precise visual assistant.";
    private const string Question = "How many shapes are there?";

    [Fact]
    public void Tiny_template_uses_single_token_role_markers()
    {
        Assert.Equal(
            "<bos><system>You are a precise visual assistant.<user><image><image><image>How many shapes are there?<assistant>2<eos>",
            ChatTemplate.Render(ChatTemplates.Tiny.BuildTraining(System, Question, "2", 3)));
        Assert.Equal(
            "<bos><user><image>How many shapes are there?<assistant>",
            ChatTemplate.Render(ChatTemplates.Tiny.BuildGenerationPrompt(null, Question, 1)));
    }

    [Fact]
    public void Qwen_template_matches_the_reference_chat_template_with_expanded_image_pads()
    {
        Assert.Equal(
            "<|im_start|>system\nYou are a precise visual assistant.<|im_end|>\n" +
            "<|im_start|>user\n<|vision_start|><|image_pad|><|image_pad|><|image_pad|><|vision_end|>How many shapes are there?<|im_end|>\n" +
            "<|im_start|>assistant\n2<|im_end|>\n",
            ChatTemplate.Render(ChatTemplates.Qwen25Vl.BuildTraining(System, Question, "2", 3)));
    }

    [Fact]
    public void Qwen_template_inserts_its_default_system_prompt_when_none_is_given()
    {
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>How many shapes are there?<|im_end|>\n" +
            "<|im_start|>assistant\n",
            ChatTemplate.Render(ChatTemplates.Qwen25Vl.BuildGenerationPrompt(null, Question, 1)));
    }

    [Fact]
    public void SmolVlm_template_matches_the_idefics3_chat_template_and_image_expansion()
    {
        Assert.Equal(
            "<|im_start|>System: You are a precise visual assistant.<end_of_utterance>\n" +
            "User:<fake_token_around_image><global-img><image><image><fake_token_around_image>How many shapes are there?<end_of_utterance>\n" +
            "Assistant: 2<end_of_utterance>\n",
            ChatTemplate.Render(ChatTemplates.SmolVlm.BuildTraining(System, Question, "2", 2)));
        Assert.Equal(
            "<|im_start|>User:<fake_token_around_image><global-img><image><fake_token_around_image>How many shapes are there?<end_of_utterance>\nAssistant:",
            ChatTemplate.Render(ChatTemplates.SmolVlm.BuildGenerationPrompt(null, Question, 1)));
    }

    public static TheoryData<string> Families => ["tiny", "qwen2.5-vl", "smolvlm"];

    [Theory]
    [MemberData(nameof(Families))]
    public void The_generation_prompt_is_exactly_the_start_of_the_training_text(string family)
    {
        ChatTemplate template = new[] { ChatTemplates.Tiny, ChatTemplates.Qwen25Vl, ChatTemplates.SmolVlm }.Single(t => t.Family == family);
        string prompt = ChatTemplate.Render(template.BuildGenerationPrompt(System, Question, 4));
        string training = ChatTemplate.Render(template.BuildTraining(System, Question, "2", 4));
        Assert.StartsWith(prompt, training, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_answer_and_its_end_token_are_answer_segments()
    {
        var segments = ChatTemplates.Qwen25Vl.BuildTraining(System, Question, "2", 3);
        Assert.Equal(["2<|im_end|>"], segments.Where(s => s.Kind == SegmentKind.Answer).Select(s => s.Text));
        Assert.Equal(3, segments.Single(s => s.Kind == SegmentKind.Image).Repeat);
    }
}
