package dev.nexus.connectors.notion;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.error.NexusException;
import dev.nexus.core.error.OutcomeUnknownException;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.OAuthProvider;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Notion tools (API version 2025-09-03): search, read a page, create a page from simple
 * Markdown, append to a page, update a page's title or properties, move a page to the trash, and
 * query a data source. Each call uses the principal's own Notion grant from the vault.
 *
 * <p>Errors: a 401 is answered by one refresh through {@link ToolContext#refreshRejected} and one
 * retry, then "reconnect Notion"; 403 and 404 become permission and not-found errors; 429 waits for
 * {@code Retry-After}, and 5xx answers and dropped reads are retried with backoff, within the
 * settings' limits. A write whose request may have reached Notion (a timeout, a dropped connection,
 * a 500, 502 or 504) is never repeated: the call ends as {@link ToolResult.Status#OUTCOME_UNKNOWN}.
 * Every failure is returned as a short tool error and logged as one WARN line naming the tool and
 * the kind of failure, never content or tokens.
 *
 * <p>Limitations: Markdown tables, images and task lists are not turned into their Notion blocks; a
 * list nested more than two levels deep is flattened to two levels; reading stops once the text
 * passes the output cap.
 */
public final class NotionToolkit implements Toolkit {

  private static final Logger LOG = LoggerFactory.getLogger(NotionToolkit.class);

  private final NotionOAuthProvider oauth;
  private final List<Tool> tools;

  /** A toolkit with its own HTTP client. */
  public NotionToolkit(NotionSettings settings) {
    this(settings, NotionClient.defaultHttpClient(settings));
  }

  /**
   * A toolkit sharing {@code http} (its connection pool and dispatcher). The connector relies on
   * the client not retrying on its own: build it with {@code retryOnConnectionFailure(false)}.
   */
  public NotionToolkit(NotionSettings settings, OkHttpClient http) {
    this(settings, http, duration -> Thread.sleep(duration.toMillis()));
  }

  NotionToolkit(NotionSettings settings, OkHttpClient http, NotionClient.Sleeper sleeper) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(http, "http");
    ObjectMapper json = new ObjectMapper();
    NotionOperations operations =
        new NotionOperations(settings, new NotionClient(settings, http, json, sleeper));
    this.oauth = new NotionOAuthProvider(settings, http, json);
    this.tools =
        List.of(
            tool(
                "notion_search",
                "Search the connected Notion workspace for pages or data sources by title.",
                ParameterSchema.of(
                    Parameter.requiredString("query", "Words to look for in titles."),
                    Parameter.enumeration(
                        "kind",
                        "What to search for: page (default) or data_source.",
                        false,
                        List.of("page", "data_source")),
                    Parameter.integer(
                        "max_results", "How many results at most (default 10).", false, 1, 50)),
                Capability.READ_NOTION,
                RiskClass.READ,
                operations::search),
            tool(
                "notion_read_page",
                "Read a Notion page: its title, properties and content as text.",
                ParameterSchema.of(
                    Parameter.requiredString("page_id", "The page id or the page's Notion URL.")),
                Capability.READ_NOTION,
                RiskClass.READ,
                operations::readPage),
            tool(
                "notion_create_page",
                "Create a Notion page with a title and Markdown content (paragraphs, headings,"
                    + " bulleted and numbered lists, code blocks) under a page or a data source.",
                ParameterSchema.of(
                    Parameter.requiredString("title", "The new page's title.").withMaxLength(2000),
                    Parameter.optionalString("content", "The page's content as simple Markdown."),
                    Parameter.optionalString(
                        "parent_page_id",
                        "The page to create it under (id or URL). Without a parent the page is"
                            + " created privately at the top of the user's workspace."),
                    Parameter.optionalString(
                        "parent_data_source_id",
                        "The data source (database) to add it to, instead of a parent page.")),
                Capability.CREATE_NOTION_PAGES,
                RiskClass.WRITE,
                operations::createPage),
            tool(
                "notion_append",
                "Append Markdown content to the end of a Notion page.",
                ParameterSchema.of(
                    Parameter.requiredString("page_id", "The page id or the page's Notion URL."),
                    Parameter.requiredString("content", "The content to add, as simple Markdown.")),
                Capability.UPDATE_NOTION_PAGES,
                RiskClass.WRITE,
                operations::append),
            tool(
                "notion_update_page",
                "Change a Notion page's title or property values.",
                ParameterSchema.of(
                    Parameter.requiredString("page_id", "The page id or the page's Notion URL."),
                    Parameter.optionalString("title", "The new title.").withMaxLength(2000),
                    Parameter.optionalString(
                        "properties",
                        "Property values as a JSON object in Notion's format, for example"
                            + " {\"Status\":{\"status\":{\"name\":\"Done\"}}}.")),
                Capability.UPDATE_NOTION_PAGES,
                RiskClass.WRITE,
                operations::updatePage),
            tool(
                "notion_archive_page",
                "Move a Notion page to the trash (it can be restored from Notion's trash).",
                ParameterSchema.of(
                    Parameter.requiredString("page_id", "The page id or the page's Notion URL.")),
                Capability.UPDATE_NOTION_PAGES,
                RiskClass.DESTRUCTIVE,
                operations::archivePage),
            tool(
                "notion_query_data_source",
                "List the pages of a Notion data source (database), with an optional filter and"
                    + " sort in Notion's JSON format.",
                ParameterSchema.of(
                    Parameter.requiredString("data_source_id", "The data source id."),
                    Parameter.optionalString(
                        "filter",
                        "A Notion filter object as JSON, for example"
                            + " {\"property\":\"Status\",\"status\":{\"equals\":\"Done\"}}."),
                    Parameter.optionalString(
                        "sorts",
                        "Notion sort objects as a JSON array, for example"
                            + " [{\"property\":\"Due\",\"direction\":\"ascending\"}]."),
                    Parameter.integer(
                        "max_results", "How many pages at most (default 20).", false, 1, 100)),
                Capability.READ_NOTION,
                RiskClass.READ,
                operations::queryDataSource));
  }

  @Override
  public String name() {
    return "notion";
  }

  @Override
  public List<Tool> tools() {
    return tools;
  }

  @Override
  public Optional<OAuthProvider> oauthProvider() {
    return Optional.of(oauth);
  }

  /** The OAuth provider, typed. */
  public NotionOAuthProvider notionOAuthProvider() {
    return oauth;
  }

  private static Tool tool(
      String name,
      String description,
      ParameterSchema parameters,
      Capability capability,
      RiskClass risk,
      BiFunction<ToolContext, ToolArguments, ToolResult> action) {
    return new NotionTool(new ToolSpec(name, description, parameters, capability, risk), action);
  }

  private record NotionTool(
      ToolSpec spec, BiFunction<ToolContext, ToolArguments, ToolResult> action) implements Tool {

    @Override
    public ToolResult execute(ToolContext context, ToolArguments arguments) {
      long started = System.nanoTime();
      try {
        return action.apply(context, arguments);
      } catch (OutcomeUnknownException e) {
        log(e, started);
        return ToolResult.outcomeUnknown(e.getMessage());
      } catch (NexusException e) {
        log(e, started);
        return ToolResult.error(e.getMessage());
      }
    }

    private void log(NexusException e, long started) {
      LOG.warn(
          "{} failed: {} after {} ms",
          spec.name(),
          e.getClass().getSimpleName(),
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
  }
}
