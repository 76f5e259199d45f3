namespace ChatFeedback.Dialogs.Tests;

/// <summary>Small flow sets written inline, so each validation test shows exactly what it feeds the loader.</summary>
internal static class TestFlowSet
{
    public const string Global = """
        entryFlow: menu
        defaultLocale: en
        locales: [en, zh-CN]
        commands:
          help: { en: [/help], zh-CN: [帮助] }
          cancel: { en: [/cancel], zh-CN: [取消] }
          restart: { en: [/restart], zh-CN: [重新开始] }
          agent: { en: [/agent, human], zh-CN: [人工] }
          stop: { en: [/stop], zh-CN: [退订] }
          skip: { en: [/skip, skip], zh-CN: [跳过] }
          menu: { en: [/start, /menu], zh-CN: [菜单] }
        "yes": { en: ["yes"], zh-CN: [是] }
        "no": { en: ["no"], zh-CN: [否] }
        texts:
          help: { en: Help text, zh-CN: 帮助 }
          cancelled: { en: Cancelled, zh-CN: 已取消 }
          agentRequested: { en: A person will reply, zh-CN: 转人工 }
          stopped: { en: Stopped, zh-CN: 已退订 }
          notSkippable: { en: Cannot skip, zh-CN: 不能跳过 }
          staleButton: { en: Old button, zh-CN: 旧按钮 }
          invalidChoice: { en: "Pick 1 to {count}", zh-CN: "请选 1 到 {count}" }
          invalidRating: { en: "Rate {min} to {max}", zh-CN: "请打分 {min} 到 {max}" }
          invalidYesNo: { en: Yes or no, zh-CN: 是或否 }
          textTooShort: { en: "At least {min}", zh-CN: "至少 {min}" }
          textTooLong: { en: "At most {max}", zh-CN: "最多 {max}" }
          retriesExhausted: { en: Giving up, zh-CN: 放弃 }
          flowUpdated: { en: The survey changed, zh-CN: 问卷已更新 }
          skipButton: { en: Skip, zh-CN: 跳过 }
        scales:
          satisfaction5:
            min: 1
            max: 5
            descending: true
            labels:
              5: { en: Very satisfied, zh-CN: 非常满意 }
              1: { en: Very dissatisfied, zh-CN: 非常不满意 }
        """;

    public const string Menu = """
        id: menu
        version: 1
        locales: [en, zh-CN]
        steps:
          - id: pick
            kind: choice
            text: { en: Menu, zh-CN: 菜单 }
            choices:
              - id: survey
                label: { en: Survey, zh-CN: 调查 }
              - id: other
                label: { en: Other, zh-CN: 其他 }
                next: bye
          - id: go
            kind: action
            do:
              - startFlow: survey
          - id: bye
            kind: end
            text: { en: Bye, zh-CN: 再见 }
        """;

    public static string Survey(int version = 1, string firstQuestion = "How was the product?") => $$"""
        id: survey
        version: {{version}}
        locales: [en, zh-CN]
        settings: { maxRetries: 1, onRetriesExhausted: skip }
        steps:
          - id: product
            kind: rating
            scale: satisfaction5
            metric: csat
            dimension: product_quality
            text: { en: "{{firstQuestion}}", zh-CN: 产品怎么样？ }
          - id: comment
            kind: text
            optional: true
            minLength: 3
            maxLength: 20
            text: { en: Any comment?, zh-CN: 有什么意见？ }
          - id: check
            kind: branch
            cases:
              - when: { answer: product, lte: 2 }
                next: contact
            otherwise: thanks
          - id: contact
            kind: yesno
            text: { en: May we contact you?, zh-CN: 可以联系您吗？ }
          - id: open
            kind: action
            do:
              - openCase: { category: detractor, severity: moderate }
              - followUp: { flow: survey, after: 48h }
          - id: thanks
            kind: end
            text: { en: Thank you, zh-CN: 谢谢 }
        """;

    public static FlowLoadResult Load(params (string File, string Text)[] files) =>
        FlowLoader.Load(files.Select(f => new FlowSource(f.File, f.Text)));

    public static FlowLoadResult LoadWith(params (string File, string Text)[] flows) =>
        Load([("global.yaml", Global), .. flows]);

    public static FlowCatalog Catalog(params (string File, string Text)[] flows) =>
        LoadWith(flows.Length == 0 ? [("menu.yaml", Menu), ("survey.yaml", Survey())] : flows).GetCatalogOrThrow();
}
