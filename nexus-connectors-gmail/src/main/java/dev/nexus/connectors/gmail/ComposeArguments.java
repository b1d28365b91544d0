package dev.nexus.connectors.gmail;

import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.ToolArguments;

/** The parameters gmail_send and gmail_create_draft share, and the mail they describe. */
final class ComposeArguments {

  private ComposeArguments() {}

  static ParameterSchema schema() {
    return ParameterSchema.of(
        Parameter.stringArray(
                "to",
                "Recipients, each one address such as anna@example.com or"
                    + " \"Anna Lind <anna@example.com>\".",
                true)
            .withMaxLength(OutgoingMail.MAX_RECIPIENTS),
        Parameter.stringArray("cc", "Copy recipients.", false)
            .withMaxLength(OutgoingMail.MAX_RECIPIENTS),
        Parameter.stringArray("bcc", "Blind copy recipients.", false)
            .withMaxLength(OutgoingMail.MAX_RECIPIENTS),
        Parameter.optionalString("subject", "The subject line.").withMaxLength(998),
        Parameter.requiredString("body", "The text of the mail.").withMaxLength(100_000));
  }

  static OutgoingMail mail(ToolArguments arguments) {
    return new OutgoingMail(
        OutgoingMail.addresses("to", arguments.stringList("to")),
        OutgoingMail.addresses("cc", arguments.stringList("cc")),
        OutgoingMail.addresses("bcc", arguments.stringList("bcc")),
        arguments.optionalString("subject").orElse(""),
        arguments.string("body"),
        null,
        null);
  }
}
