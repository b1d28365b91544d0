package dev.nexus.server.http;

import dev.nexus.agent.AgentEvent;
import dev.nexus.agent.TurnResult;
import dev.nexus.core.approval.Approval;
import dev.nexus.core.audit.AuditRecord;
import dev.nexus.core.conversation.ChatMessage;
import dev.nexus.core.conversation.ChatMessage.AssistantMessage;
import dev.nexus.core.conversation.ChatMessage.ToolResultMessage;
import dev.nexus.core.conversation.ChatMessage.UserMessage;
import dev.nexus.core.conversation.Conversation;
import dev.nexus.core.conversation.ConversationSummary;
import dev.nexus.core.identity.Membership;
import dev.nexus.core.tool.ToolCall;
import dev.nexus.core.vault.OAuthGrant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How domain objects look in the HTTP API: plain maps that Jackson writes as JSON. */
final class Views {

  private Views() {}

  /** A named server-sent event with its JSON data. */
  record Event(String name, Map<String, Object> data) {}

  static Event event(AgentEvent event) {
    if (event instanceof AgentEvent.TextDelta delta) {
      return new Event("text", Map.of("text", delta.text()));
    }
    if (event instanceof AgentEvent.ToolCallRequested requested) {
      return new Event("tool_call", call(requested.call()));
    }
    if (event instanceof AgentEvent.ToolCallDenied denied) {
      Map<String, Object> data = call(denied.call());
      data.put("reason", denied.reason());
      return new Event("denied", data);
    }
    if (event instanceof AgentEvent.ApprovalRequired required) {
      return new Event("approval_required", approval(required.approval()));
    }
    if (event instanceof AgentEvent.ToolResultReady result) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("id", result.callId().value());
      data.put("tool", result.toolName());
      data.put("status", lower(result.result().status().name()));
      data.put("content", result.result().content());
      return new Event("tool_result", data);
    }
    if (event instanceof AgentEvent.TurnCompleted completed) {
      return new Event(
          "done",
          Map.of(
              "status",
              "completed",
              "conversation",
              completed.conversation().value(),
              "text",
              completed.text()));
    }
    if (event instanceof AgentEvent.AwaitingApproval awaiting) {
      return new Event(
          "done",
          Map.of(
              "status",
              "awaiting_approval",
              "conversation",
              awaiting.conversation().value(),
              "pending",
              awaiting.pending()));
    }
    AgentEvent.TurnFailed failed = (AgentEvent.TurnFailed) event;
    return new Event(
        "error",
        Map.of(
            "type",
            Problems.TYPE_BASE + "turn-failed",
            "title",
            "Turn failed",
            "detail",
            failed.reason(),
            "conversation",
            failed.conversation().value()));
  }

  static Map<String, Object> turn(TurnResult result, List<Event> events) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("conversation", result.conversation().value());
    body.put("status", lower(result.status().name()));
    body.put("text", result.text());
    body.put("pending", result.pending().stream().map(id -> id.value()).toList());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Event event : events) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("event", event.name());
      item.put("data", event.data());
      list.add(item);
    }
    body.put("events", list);
    return body;
  }

  static Map<String, Object> call(ToolCall call) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", call.id().value());
    data.put("tool", call.toolName());
    data.put("arguments", call.arguments());
    return data;
  }

  static Map<String, Object> approval(Approval approval) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", approval.id().value());
    data.put("approval_id", approval.id().value());
    data.put("conversation", approval.conversation().value());
    data.put("status", lower(approval.status().name()));
    data.put("requester", approval.requester().value());
    data.put("risk", lower(approval.risk().name()));
    data.put("call", call(approval.call()));
    data.put("created_at", approval.createdAt().toString());
    data.put("expires_at", approval.expiresAt().toString());
    if (approval.decidedBy() != null) {
      data.put("decided_by", approval.decidedBy().value());
      data.put("decided_at", approval.decidedAt().toString());
    }
    if (approval.outcome() != null) {
      data.put("outcome", approval.outcome());
    }
    return data;
  }

  static Map<String, Object> summary(ConversationSummary summary) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", summary.id().value());
    data.put("title", summary.title());
    data.put("created_at", summary.createdAt().toString());
    data.put("messages", summary.messageCount());
    return data;
  }

  static Map<String, Object> conversation(Conversation conversation, List<Approval> approvals) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", conversation.id().value());
    data.put("title", conversation.title());
    data.put("created_at", conversation.createdAt().toString());
    List<Map<String, Object>> messages = new ArrayList<>();
    for (ChatMessage message : conversation.messages()) {
      messages.add(message(message));
    }
    data.put("messages", messages);
    data.put("approvals", approvals.stream().map(Views::approval).toList());
    return data;
  }

  static Map<String, Object> message(ChatMessage message) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (message instanceof UserMessage user) {
      data.put("role", "user");
      data.put("text", user.text());
    } else if (message instanceof AssistantMessage assistant) {
      data.put("role", "assistant");
      data.put("text", assistant.text());
      data.put("tool_calls", assistant.toolCalls().stream().map(Views::call).toList());
    } else {
      ToolResultMessage result = (ToolResultMessage) message;
      data.put("role", "tool");
      data.put("id", result.callId().value());
      data.put("tool", result.toolName());
      data.put("status", lower(result.result().status().name()));
      data.put("content", result.result().content());
    }
    return data;
  }

  static Map<String, Object> connection(String provider, OAuthGrant grant) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("provider", provider);
    if (grant == null) {
      data.put("status", "not_connected");
      data.put("scopes", List.of());
      return data;
    }
    data.put(
        "status",
        grant.status() == dev.nexus.core.vault.GrantStatus.ACTIVE
            ? "connected"
            : "needs_reconnection");
    data.put("scopes", grant.scopes().stream().sorted().toList());
    data.put("account", grant.accountLabel());
    data.put("updated_at", grant.updatedAt().toString());
    return data;
  }

  static Map<String, Object> member(Membership membership) {
    return Map.of("user", membership.user().value(), "role", membership.role().wireName());
  }

  static Map<String, Object> audit(AuditRecord record) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sequence", record.sequence());
    data.put("at", record.event().at().toString());
    data.put("actor", record.event().actor() == null ? null : record.event().actor().value());
    data.put("action", lower(record.event().action().name()));
    data.put("target", record.event().target());
    data.put("details", record.event().details());
    data.put("hash", record.hash());
    return data;
  }

  static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
