package io.smainer.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import org.junit.jupiter.api.Test;

class OllamaHandlerTest {
    @Test
    void readsOllamasParameterSizesAsBillionsRoundedUp() {
        assertThat(OllamaHandler.parameterSizeBillions("8.0B")).contains(8L);
        assertThat(OllamaHandler.parameterSizeBillions("70.6B")).contains(71L);
        assertThat(OllamaHandler.parameterSizeBillions("567M")).contains(1L);
        assertThat(OllamaHandler.parameterSizeBillions("1.5T")).contains(1500L);
        assertThat(OllamaHandler.parameterSizeBillions("405b")).contains(405L);
        assertThat(OllamaHandler.parameterSizeBillions("large")).isEmpty();
    }

    @Test
    void refusesAUrlThatIsNotHttpNamingIt() {
        for (String bad : new String[] {"localhost:11434", "ftp://host/", "not a url"}) {
            assertThatThrownBy(() -> OllamaHandler.builder().url(bad))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("ollama_url");
        }
        assertThat(OllamaHandler.builder().url("http://gpu-box:11434").build().baseUrl().toString())
                .isEqualTo("http://gpu-box:11434/");
    }
}
