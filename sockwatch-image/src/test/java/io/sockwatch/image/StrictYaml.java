package io.sockwatch.image;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A YAML mapper that refuses what the API server or kubectl might silently drop or misread: fields
 * the target type does not have, duplicate keys, and nulls for primitives.
 *
 * <p>fabric8's model classes collect unknown fields in an {@code additionalProperties} map through
 * {@code @JsonAnySetter}, so failing on unknown properties alone would accept a misspelt {@code
 * readOnlyRootFileSystem}. This mapper ignores any-setters, which turns every unknown field into an
 * error naming it and its path.
 */
final class StrictYaml {

  private StrictYaml() {}

  static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .annotationIntrospector(
              new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
                  return null;
                }
              })
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
}
